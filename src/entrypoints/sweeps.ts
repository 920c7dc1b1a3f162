import type { Sweep } from '../adapters/worker/sweep-runner.js';
import { purgeIdempotencyKeys } from '../modules/idempotency/index.js';
import { purgeOldSessions } from '../modules/workspaces/index.js';
import { purgeProcessedWebhooks } from '../modules/inbound/index.js';
import { failStaleImports, IMPORT_FILLED_TABLES } from '../modules/imports/index.js';
import { purgeWebhookLog } from '../modules/hooks/index.js';
import { mergeEquivalentContactsEverywhere } from '../modules/privacy/index.js';
import { inferMissingZones, purgeContactChanges } from '../modules/contacts/index.js';
import { runHygiene, runLifecycle, snapshotLifecycleStages, workspacesDueFor, type BulkPacing, type MaintenanceKind } from '../modules/lifecycle/index.js';
import { drainFunnelDeltas, sweepAbTests } from '../modules/broadcasts/index.js';
import { isAppError } from '../lib/errors.js';
import { refreshPlannerStats } from '../adapters/db/planner-stats.js';
import type { Db } from '../modules/context.js';
import { vacuumGrowthDeltas } from '../modules/analytics/index.js';
import type { Logger } from 'pino';

/**
 * Runs a bulk job for every workspace that is due. A workspace another process is already
 * working on (its lease is live) is skipped, not waited for.
 */
function bulkSweep(kind: MaintenanceKind, everyMs: number, log: Logger, pacing: BulkPacing): (db: Db, now: Date) => Promise<Record<string, number>> {
  const run = kind === 'lifecycle' ? runLifecycle : runHygiene;
  return async (db, now) => {
    const totals: Record<string, number> = {};
    for (const workspaceId of await workspacesDueFor(db, kind, everyMs, now)) {
      try {
        const counts = await run(db, workspaceId, now, log, pacing);
        for (const [k, n] of Object.entries(counts)) totals[k] = (totals[k] ?? 0) + n;
      } catch (err) {
        if (!isAppError(err, 'MAINTENANCE_RUNNING')) throw err;
      }
    }
    return totals;
  };
}

/**
 * Every periodic job the worker role runs. `intakeBusy` says this process is taking a webhook
 * burst: ANALYZE then waits (on PGlite it holds the one connection: 0.5 s for a 200k-row table,
 * which an ack would wait behind).
 */
export function allSweeps(log: Logger, pacing: BulkPacing = {}, opts: { intakeBusy?: () => boolean; importing?: () => boolean } = {}): Sweep[] {
  return [
    // Stages are day-based, so hourly keeps them current; events that matter re-evaluate at once.
    { name: 'lifecycle.evaluate', everyMs: 5 * 60_000, standalone: true, run: bulkSweep('lifecycle', 60 * 60_000, log, pacing) },
    // The stage distribution per local day (analytics "Lifecycle over time"): hourly, so each day's row ends as the count of its last hour.
    { name: 'lifecycle.snapshot-stages', everyMs: 60 * 60_000, run: async (db, now) => ({ workspaces: await snapshotLifecycleStages(db, now) }) },
    { name: 'hygiene.run', everyMs: 30 * 60_000, standalone: true, run: bulkSweep('hygiene', 6 * 60 * 60_000, log, pacing) },
    { name: 'idempotency-keys.purge', everyMs: 10 * 60_000, run: async (db, now) => ({ purged: await purgeIdempotencyKeys(db, now) }) },
    { name: 'sessions.purge', everyMs: 30 * 60_000, run: async (db, now) => ({ purged: await purgeOldSessions(db, now) }) },
    { name: 'contact-changes.purge', everyMs: 30 * 60_000, run: async (db, now) => ({ purged: await purgeContactChanges(db, now) }) },
    { name: 'outbound-webhooks.purge', everyMs: 60 * 60_000, run: async (db, now) => ({ purged: await purgeWebhookLog(db, now) }) },
    { name: 'webhook-events.purge', everyMs: 15 * 60_000, run: async (db, now) => ({ purged: await purgeProcessedWebhooks(db, now) }) },
    // One WhatsApp user under two number forms (Brazil's 9th digit, MX 521, AR 549) becomes one contact.
    { name: 'contacts.merge-whatsapp-forms', everyMs: 30 * 60_000, run: (db, now) => mergeEquivalentContactsEverywhere(db, now, log) },
    { name: 'imports.fail-stale', everyMs: 60_000, run: async (db, now) => ({ failed: await failStaleImports(db, now) }) },
    // Contacts stored before their prefix could name a zone (UK mobiles) get it; one scan an hour once done.
    { name: 'contacts.infer-zones', everyMs: 60 * 60_000, run: async (db) => ({ inferred: await inferMissingZones(db) }) },
    // The analytics delta queue: written and deleted all day; VACUUM runs outside a transaction (standalone).
    { name: 'analytics.vacuum-growth-deltas', everyMs: 10 * 60_000, standalone: true, run: async (db) => ({ vacuumed: await vacuumGrowthDeltas(db) }) },
    // Broadcast funnels: fold the recipient-row deltas into the rollup (reads add what is pending, so this bounds their cost, not their accuracy).
    // A/B tests whose window ended: pick the winner (auto) or wait for a person; rest drained → done.
    { name: 'broadcasts.ab-winners', everyMs: 30_000, run: (db, now) => sweepAbTests(db, now) },
    { name: 'broadcasts.funnel-drain', everyMs: 1_000, run: async (db) => { await drainFunnelDeltas(db); return {}; } }, // quiet: every second
    // PGlite has no autovacuum and PostgreSQL's wakes once a minute: keep plans fit for tables that grow fast.
    // While an import runs here, the tables it fills are left for after it: re-analyzing them every 15 s as they
    // grow by a fifth cost a third of a PGlite import (docs/performance.md, "Imports at wire speed").
    { name: 'db.planner-stats', everyMs: 15_000, run: async (db) => ({ analyzed: opts.intakeBusy?.() ? 0 : await refreshPlannerStats(db, { skip: opts.importing?.() ? IMPORT_FILLED_TABLES : [] }) }) },
  ];
}
