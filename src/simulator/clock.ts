/** A handle returned by `SimClock.setTimer`. */
export interface TimerHandle {
  readonly id: number;
}

/**
 * Time as the simulator sees it. `now()` is epoch milliseconds of simulated time; timers take
 * simulated milliseconds, and the clock decides how long that is in real time.
 */
export interface SimClock {
  now(): number;
  setTimer(fn: () => void, delayMs: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
  /** Moves simulated time forward (e.g. 25 h to close a customer-service window). */
  advance(ms: number): Promise<void>;
}

/** Options for the wall clock. */
export interface SystemClockOptions {
  /** Real ms per simulated ms for timers: 0.001 turns a 2 s status delay into 2 ms. Default 1. */
  timeScale?: number;
}

/**
 * The wall clock. `timeScale` compresses scheduled delays only (statuses, replies, retries,
 * template review); `now()` stays wall time plus any `advance()` offset, so throughput and
 * pair-rate limits keep measuring real seconds.
 */
export function createSystemClock(opts: SystemClockOptions = {}): SimClock {
  const scale = opts.timeScale ?? 1;
  let offset = 0;
  let nextId = 1;
  const timers = new Map<number, NodeJS.Timeout>();
  return {
    now: () => Date.now() + offset,
    setTimer(fn, delayMs) {
      const id = nextId++;
      const t = setTimeout(() => {
        timers.delete(id);
        fn();
      }, Math.max(0, delayMs * scale));
      t.unref?.();
      timers.set(id, t);
      return { id };
    },
    clearTimer(handle) {
      const t = timers.get(handle.id);
      if (t) clearTimeout(t);
      timers.delete(handle.id);
    },
    async advance(ms) {
      offset += ms;
    },
  };
}

interface ManualTimer {
  id: number;
  at: number;
  fn: () => void;
}

/** A clock that only moves when told to; timers fire in time order during `advance`. */
export interface ManualClock extends SimClock {
  /** Number of timers still waiting. */
  pending(): number;
  /** Advances until no timer is left (bounded by `maxMs`). */
  runAll(maxMs?: number): Promise<void>;
}

// Lets promise chains and I/O callbacks started by a timer run before the next timer fires.
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Builds a manual clock starting at `startMs` (default 2026-01-01T00:00:00Z) for deterministic tests. */
export function createManualClock(startMs = Date.UTC(2026, 0, 1)): ManualClock {
  let now = startMs;
  let nextId = 1;
  let timers: ManualTimer[] = [];
  const clock: ManualClock = {
    now: () => now,
    setTimer(fn, delayMs) {
      const timer = { id: nextId++, at: now + Math.max(0, delayMs), fn };
      timers.push(timer);
      return { id: timer.id };
    },
    clearTimer(handle) {
      timers = timers.filter((t) => t.id !== handle.id);
    },
    async advance(ms) {
      const target = now + ms;
      for (;;) {
        await yieldToLoop();
        let due: ManualTimer | undefined;
        for (const t of timers) if (t.at <= target && (!due || t.at < due.at || (t.at === due.at && t.id < due.id))) due = t;
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        now = due.at;
        due.fn();
      }
      now = target;
      await yieldToLoop();
    },
    pending: () => timers.length,
    async runAll(maxMs = 30 * 24 * 3600_000) {
      const limit = now + maxMs;
      while (timers.length > 0) {
        const next = Math.min(...timers.map((t) => t.at));
        if (next > limit) break;
        await clock.advance(Math.max(0, next - now));
      }
    },
  };
  return clock;
}
