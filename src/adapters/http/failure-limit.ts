/** Counts failures per key (an IP) in fixed windows; only failures count, so valid requests never use it up. */
export interface FailureLimiter {
  /** Seconds until `key` may fail again without being limited; 0 when it is under the limit. */
  limitedFor(key: string, now?: number): number;
  /** Records one failure of `key`. */
  fail(key: string, now?: number): void;
}

/**
 * Per-process buckets, like the API rate limit: this is abuse protection, not a correctness rule.
 * At most `maxKeys` addresses are tracked; expired entries go first, then the oldest.
 */
export function createFailureLimiter(opts: { max: number; windowMs: number; maxKeys?: number }): FailureLimiter {
  const maxKeys = opts.maxKeys ?? 10_000;
  const buckets = new Map<string, { count: number; resetAt: number }>();
  const prune = (now: number) => {
    for (const [k, b] of buckets) if (b.resetAt <= now) buckets.delete(k);
    for (const k of buckets.keys()) {
      if (buckets.size < maxKeys) break;
      buckets.delete(k);
    }
  };
  return {
    limitedFor(key, now = Date.now()) {
      const b = buckets.get(key);
      if (!b || b.resetAt <= now || b.count < opts.max) return 0;
      return Math.max(1, Math.ceil((b.resetAt - now) / 1000));
    },
    fail(key, now = Date.now()) {
      let b = buckets.get(key);
      if (!b || b.resetAt <= now) {
        if (!b && buckets.size >= maxKeys) prune(now);
        b = { count: 0, resetAt: now + opts.windowMs };
        buckets.set(key, b);
      }
      b.count++;
    },
  };
}
