// The busiest second of requests as they leave this process (before the network and Meta).

const BUCKET_MS = 100;
const BUCKETS = 1000 / BUCKET_MS;

/** A meter of requests posted: counts in 100 ms buckets; `peak()` is the most seen in ten consecutive buckets (one second). */
export function postRateMeter(now: () => number = Date.now): { add(): void; peak(): number } {
  const counts = new Array<number>(BUCKETS).fill(0);
  let current: number | undefined;
  let peak = 0;
  return {
    add() {
      const b = Math.floor(now() / BUCKET_MS);
      if (current === undefined) current = b;
      // Buckets that passed without a request are emptied (at most the whole ring).
      for (let i = 1; i <= Math.min(b - current, BUCKETS); i++) counts[(current + i) % BUCKETS] = 0;
      current = Math.max(current, b);
      counts[b % BUCKETS]!++;
      let sum = 0;
      for (const c of counts) sum += c;
      if (sum > peak) peak = sum;
    },
    peak: () => peak,
  };
}
