import { sql } from 'drizzle-orm';
import { safeErrorMessage } from '../../lib/redact.js';
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.js';
import type { Db } from '../../modules/context.js';
import { queryRows } from '../db/database.js';

/** A periodic job that must run in at most one process at a time. */
export interface Sweep {
  name: string;
  everyMs: number;
  /** Runs inside a transaction that holds the sweep's advisory lock; returns counts to log. */
  run(db: Db, now: Date): Promise<Record<string, number>>;
  /**
   * Long sweeps (bulk runs over a million contacts) manage their own short transactions and
   * their own exclusivity (a lease row); the runner then calls them outside any transaction.
   */
  standalone?: boolean;
}

/** A started runner. */
export interface SweepRunner {
  /** Runs every sweep once now (used by tests and at start). */
  runAll(): Promise<void>;
  /** Stops scheduling and waits for a sweep in progress to finish. */
  stop(): Promise<void>;
}

/**
 * Schedules sweeps. Each tick takes `pg_try_advisory_xact_lock` on the sweep's name, so with many
 * worker processes exactly one runs a given sweep at a time and the others skip that tick.
 */
export function startSweepRunner(deps: { db: Db; log: Logger; clock: Clock; sweeps: Sweep[] }): SweepRunner {
  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();
  let inFlight: Promise<void> = Promise.resolve();

  async function runOne(s: Sweep): Promise<void> {
    try {
      if (s.standalone) {
        const counts = await s.run(deps.db, deps.clock.now());
        if (Object.values(counts).some((n) => n > 0)) deps.log.info({ sweep: s.name, ...counts }, 'sweep changed rows');
        return;
      }
      await deps.db.transaction(async (tx) => {
        const [lock] = await queryRows<{ ok: boolean }>(tx, sql`select pg_try_advisory_xact_lock(hashtext(${`greenlist.sweep.${s.name}`})) as ok`);
        if (!lock?.ok) return;
        const counts = await s.run(tx, deps.clock.now());
        if (Object.values(counts).some((n) => n > 0)) deps.log.info({ sweep: s.name, ...counts }, 'sweep changed rows');
      });
    } catch (err) {
      deps.log.warn({ sweep: s.name, err: { message: safeErrorMessage(err) } }, 'sweep failed; will retry next tick');
    }
  }

  function schedule(s: Sweep): void {
    if (stopped) return;
    const t = setTimeout(() => {
      timers.delete(t);
      inFlight = inFlight.then(() => runOne(s)).finally(() => schedule(s));
    }, s.everyMs);
    t.unref();
    timers.add(t);
  }

  for (const s of deps.sweeps) schedule(s);
  return {
    runAll: async () => {
      for (const s of deps.sweeps) await runOne(s);
    },
    stop: async () => {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await inFlight;
    },
  };
}
