/** Batches writes: items wait at most `maxWaitMs` (or until `maxItems` queue up), then flush together. */
export interface GroupCommitter<T> {
  /** Resolves once `item` is durably written with its batch; rejects if that batch's write failed. */
  add(item: T): Promise<void>;
  /** Flushes what is queued and stops accepting items. */
  close(): Promise<void>;
  /** Items added per second over about the last second (a busy-intake signal for background work). */
  ratePerSecond(): number;
}

/**
 * Group commit: one INSERT for many concurrent requests. Each caller still waits for its own
 * row to be written before answering (durable before ack), but the database sees one statement
 * per ~10 ms instead of one per request; on PGlite's single connection this is the difference
 * between ~1.4 k and >10 k webhooks/s (docs/performance.md §3.5).
 */
export function createGroupCommitter<T>(opts: { flush: (items: T[]) => Promise<void>; maxItems?: number; maxWaitMs?: number }): GroupCommitter<T> {
  const maxItems = opts.maxItems ?? 500;
  const maxWaitMs = opts.maxWaitMs ?? 10;
  let queue: { item: T; resolve: () => void; reject: (e: unknown) => void }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();
  let closed = false;
  const rate = createRateMeter();

  const flushNow = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return flushing;
    // Flushes run one after another so batches commit in arrival order.
    flushing = flushing.then(async () => {
      try {
        await opts.flush(batch.map((b) => b.item));
        for (const b of batch) b.resolve();
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    });
    return flushing;
  };

  return {
    add(item) {
      if (closed) return Promise.reject(new Error('group committer is closed'));
      rate.add();
      return new Promise<void>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (queue.length >= maxItems) void flushNow();
        else timer ??= setTimeout(() => void flushNow(), maxWaitMs);
      });
    },
    async close() {
      closed = true;
      await flushNow();
    },
    ratePerSecond: () => rate.perSecond(),
  };
}

const BUCKET_MS = 250;
const BUCKETS = 4;

/** Counts events in four 250 ms buckets: the last full second's rate, without a timer. */
export function createRateMeter(now: () => number = () => performance.now()): { add(): void; perSecond(): number } {
  const counts = new Array<number>(BUCKETS).fill(0);
  let current = Math.floor(now() / BUCKET_MS);
  const roll = () => {
    const b = Math.floor(now() / BUCKET_MS);
    for (let i = current + 1; i <= Math.min(b, current + BUCKETS); i++) counts[i % BUCKETS] = 0;
    current = Math.max(current, b);
  };
  return {
    add() {
      roll();
      counts[current % BUCKETS]!++;
    },
    perSecond() {
      roll();
      return counts.reduce((a, c) => a + c, 0) * (1000 / (BUCKETS * BUCKET_MS));
    },
  };
}
