import type { Logger } from 'pino';
import { safeErrorMessage } from '../../lib/redact.js';

/** A started poll loop. */
export interface Poller {
  stop(): Promise<void>;
  /**
   * There is work: ends an idle sleep at once, or, when a run is going on (it may have looked
   * before the work was visible), runs again after it instead of sleeping. A pause after a run that
   * found work (`yieldRatio`) is kept, and so is the backoff after errors.
   */
  poke(): void;
}

/**
 * Calls `run` repeatedly: again at once while it finds work (returns > 0), after `idleMs` when
 * it finds none, and with backoff after errors (database restarts must not crash-loop a worker).
 * `yieldRatio` leaves the database to other work between busy runs: on PGlite the worker shares
 * one connection (and one thread) with webhook intake, whose acks must stay fast.
 */
export function startPoller(opts: {
  name: string;
  idleMs: number;
  run: () => Promise<number>;
  log: Logger;
  /** After a run that found work, pause for this multiple of its duration (0: go on at once); a function is asked after each run. */
  yieldRatio?: number | (() => number);
}): Poller {
  let stopped = false;
  let failures = 0;
  let wake: (() => void) | undefined;
  // Set by poke() while a run or a pause is going on; the idle sleep after it is skipped.
  let poked = false;
  let idle: (() => void) | undefined;
  const sleep = (ms: number, wakeable = false) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        wake = idle = undefined;
        resolve();
      };
      const t = setTimeout(done, ms);
      t.unref();
      wake = done;
      if (wakeable) idle = done;
    });
  const loop = (async () => {
    while (!stopped) {
      let found = 0;
      const started = performance.now();
      poked = false;
      try {
        found = await opts.run();
        failures = 0;
      } catch (err) {
        failures++;
        opts.log.warn({ poller: opts.name, failures, err: { message: safeErrorMessage(err) } }, 'poll failed; backing off');
      }
      if (stopped) break;
      if (failures > 0) await sleep(Math.min(30_000, 250 * 2 ** failures));
      else if (found === 0) {
        if (!poked) await sleep(opts.idleMs, true);
      }
      else {
        const ratio = typeof opts.yieldRatio === 'function' ? opts.yieldRatio() : opts.yieldRatio;
        if (ratio) await sleep((performance.now() - started) * ratio);
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
    poke() {
      poked = true;
      idle?.();
    },
  };
}
