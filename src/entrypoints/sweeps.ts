import type { Sweep } from '../adapters/worker/sweep-runner.js';
import { purgeIdempotencyKeys } from '../modules/idempotency/index.js';
import { purgeOldSessions } from '../modules/workspaces/index.js';
import { purgeProcessedWebhooks } from '../modules/inbound/index.js';
import { failStaleImports } from '../modules/imports/index.js';

/** Every periodic job the worker role runs. */
export function allSweeps(): Sweep[] {
  return [
    { name: 'idempotency-keys.purge', everyMs: 10 * 60_000, run: async (db, now) => ({ purged: await purgeIdempotencyKeys(db, now) }) },
    { name: 'sessions.purge', everyMs: 30 * 60_000, run: async (db, now) => ({ purged: await purgeOldSessions(db, now) }) },
    { name: 'webhook-events.purge', everyMs: 15 * 60_000, run: async (db, now) => ({ purged: await purgeProcessedWebhooks(db, now) }) },
    { name: 'imports.fail-stale', everyMs: 60_000, run: async (db, now) => ({ failed: await failStaleImports(db, now) }) },
  ];
}
