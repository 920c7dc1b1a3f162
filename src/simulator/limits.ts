/** A token bucket: `capacity` tokens, refilled continuously at `perMs` tokens per millisecond. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  constructor(
    private capacity: number,
    private perMs: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.updatedAt = now;
  }

  /** Changes size and rate, keeping the current fill level (capped). */
  reshape(capacity: number, perMs: number, now: number): void {
    this.refill(now);
    this.capacity = capacity;
    this.perMs = perMs;
    this.tokens = Math.min(this.tokens, capacity);
  }

  /** Takes one token if there is one. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Current level and how long until the next whole token. */
  peek(now: number): { tokens: number; capacity: number; nextTokenInMs: number } {
    this.refill(now);
    const nextTokenInMs = this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) / this.perMs);
    return { tokens: Math.floor(this.tokens * 1000) / 1000, capacity: this.capacity, nextTokenInMs };
  }

  /** True when the bucket is full again (safe to forget). */
  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.capacity;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.perMs);
    this.updatedAt = now;
  }
}

/**
 * Throughput per business number. Why: Meta caps each number at its mps (80 by default) and
 * answers the excess synchronously with 130429; a bucket one second deep models that.
 */
export function throughputBucket(mps: number, now: number): TokenBucket {
  return new TokenBucket(mps, mps / 1000, now);
}

/**
 * Pair rate per (business number, recipient). Why: Meta allows about one message per 6 s to the
 * same user, with bursts (up to 45) that borrow from future quota, then answers 131056. A bucket
 * of `burst` tokens refilled every `intervalMs` gives exactly "burst now, then one per 6 s".
 */
export class PairRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  constructor(
    private intervalMs: number,
    private burst: number,
  ) {}

  /** Applies new settings to buckets created from now on and to existing ones. */
  reconfigure(intervalMs: number, burst: number, now: number): void {
    if (intervalMs === this.intervalMs && burst === this.burst) return;
    this.intervalMs = intervalMs;
    this.burst = burst;
    for (const b of this.buckets.values()) b.reshape(burst, 1 / intervalMs, now);
  }

  /** Consumes the pair's allowance; false means 131056. */
  take(key: string, now: number): boolean {
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size > 100_000) this.prune(now);
      b = new TokenBucket(this.burst, 1 / this.intervalMs, now);
      this.buckets.set(key, b);
    }
    return b.take(now);
  }

  /** Inspection: the pair buckets, optionally filtered by a key substring. */
  snapshot(now: number, filter?: (key: string) => boolean): { key: string; tokens: number; capacity: number; nextTokenInMs: number }[] {
    const out = [];
    for (const [key, b] of this.buckets) if (!filter || filter(key)) out.push({ key, ...b.peek(now) });
    return out;
  }

  private prune(now: number): void {
    for (const [k, b] of this.buckets) if (b.isFull(now)) this.buckets.delete(k);
  }
}

/**
 * Distinct members seen within a moving window, O(1) amortised. Used for the messaging limit
 * (unique business-initiated recipients in a moving 24 h).
 */
export class MovingUniqueSet {
  private readonly last = new Map<string, number>();
  private readonly log: { key: string; at: number }[] = [];
  private head = 0;

  /** Members seen within `windowMs` of `now`. */
  size(now: number, windowMs: number): number {
    this.expire(now, windowMs);
    return this.last.size;
  }

  /** True if `key` was seen within the window. */
  has(key: string, now: number, windowMs: number): boolean {
    this.expire(now, windowMs);
    return this.last.has(key);
  }

  /** Records `key` at `now`. */
  add(key: string, now: number): void {
    this.last.set(key, now);
    this.log.push({ key, at: now });
  }

  private expire(now: number, windowMs: number): void {
    while (this.head < this.log.length && this.log[this.head]!.at <= now - windowMs) {
      const { key, at } = this.log[this.head]!;
      if (this.last.get(key) === at) this.last.delete(key);
      this.head++;
    }
    if (this.head > 10_000 && this.head * 2 > this.log.length) {
      this.log.splice(0, this.head);
      this.head = 0;
    }
  }
}

/**
 * Per-user marketing cap. Why: Meta limits how many marketing templates one user gets (counted
 * across businesses, adaptive, unpublished) and lifts it when the user replies; excess → 131049.
 */
export class MarketingCap {
  private readonly sends = new Map<string, number[]>();

  /** True if one more marketing message to `waId` stays within `perUser` over `windowMs`. */
  allows(waId: string, now: number, perUser: number, windowMs: number): boolean {
    if (perUser <= 0) return true;
    const recent = (this.sends.get(waId) ?? []).filter((t) => t > now - windowMs);
    this.sends.set(waId, recent);
    return recent.length < perUser;
  }

  /** Counts a marketing message to `waId`. */
  record(waId: string, now: number): void {
    const list = this.sends.get(waId) ?? [];
    list.push(now);
    this.sends.set(waId, list);
  }

  /** A reply from the user lifts the cap. */
  reset(waId: string): void {
    this.sends.delete(waId);
  }

  /** How many marketing messages `waId` got within the window. */
  count(waId: string, now: number, windowMs: number): number {
    return (this.sends.get(waId) ?? []).filter((t) => t > now - windowMs).length;
  }
}
