import type { Logger } from 'pino';
import { safeErrorMessage } from '../../lib/redact.js';

/** A started poll loop. */
export interface Poller {
  stop(): Promise<void>;
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
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      t.unref();
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  const loop = (async () => {
    while (!stopped) {
      let found = 0;
      const started = performance.now();
      try {
        found = await opts.run();
        failures = 0;
      } catch (err) {
        failures++;
        opts.log.warn({ poller: opts.name, failures, err: { message: safeErrorMessage(err) } }, 'poll failed; backing off');
      }
      if (stopped) break;
      if (failures > 0) await sleep(Math.min(30_000, 250 * 2 ** failures));
      else if (found === 0) await sleep(opts.idleMs);
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
  };
}
