import { param, sql } from 'drizzle-orm';
import { safeErrorMessage } from '../../lib/redact.js';
import { SYSTEM_ACTOR, type Db, type Log } from '../context.js';
import { recordAudit } from '../audit/index.js';
import { contactsOptedOutBefore } from '../consent/index.js';
import { markUnreachable } from '../contacts/index.js';
import { recountEngagementWindows } from '../engagement/index.js';
import { getWorkspaceSettings } from '../workspaces/index.js';
import { queryRowsOf } from '../sql.js';
import { evaluateLifecycleChunk, evaluateLifecycleFor } from './lifecycle.service.js';
import { hygieneThresholds, lifecycleThresholds, type LifecycleThresholds } from './lifecycle.rules.js';
import { closeMaintenanceRun, openMaintenanceRun, renewMaintenanceRun, runningError, type MaintenanceKind } from './maintenance.service.js';

const DAY_MS = 86_400_000;

/** How a bulk run shares the database: the time budget per transaction and the pause after it. */
export interface BulkPacing {
  /** Each chunk's transaction aims at this many ms: on PGlite a transaction holds the only connection, so webhook acks wait for it. */
  chunkTargetMs?: number;
  /**
   * Pause after each chunk for this multiple of its duration. PGlite runs SQL on the event loop's
   * thread, so without pauses the HTTP server barely gets to answer webhooks during a run.
   */
  yieldRatio?: number;
  /**
   * Parts of the contact id space evaluated at once, each in its own chunks and transactions. A
   * run is one backend's CPU per lane, so on a server with spare cores 2 lanes halve it; PGlite has
   * one connection, so 1 there.
   */
  lanes?: number;
}

/** Options for a bulk run: an already-opened run, and its pacing. */
export interface RunOptions extends BulkPacing {
  runId?: string;
}

/** Pacing per engine: short chunks with equal pauses on PGlite; longer chunks, no pauses, on a server. */
export function bulkPacingFor(engine: 'pglite' | 'postgres'): BulkPacing {
  return engine === 'pglite' ? { chunkTargetMs: 50, yieldRatio: 1, lanes: 1 } : { chunkTargetMs: 250, yieldRatio: 0, lanes: 2 };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Opens a run now or says one is going (used by the API to answer 202 with the run's id). */
export async function openRun(db: Db, workspaceId: string, kind: MaintenanceKind, now: Date): Promise<string> {
  const id = await openMaintenanceRun(db, workspaceId, kind, now);
  if (!id) throw runningError(kind);
  return id;
}

async function withRun(db: Db, workspaceId: string, kind: MaintenanceKind, now: Date, log: Log, runId: string | undefined, body: (id: string, counts: Record<string, number>) => Promise<void>): Promise<Record<string, number>> {
  const id = runId ?? (await openRun(db, workspaceId, kind, now));
  const counts: Record<string, number> = {};
  try {
    await body(id, counts);
    await closeMaintenanceRun(db, id, 'succeeded', counts, new Date());
    await recordAudit({ db, workspaceId, actor: SYSTEM_ACTOR, now, log }, { action: `${kind}.run_finished`, targetType: 'maintenance_run', targetId: id, details: counts });
    return counts;
  } catch (err) {
    log.warn({ kind, workspaceId, err: { message: safeErrorMessage(err) } }, 'maintenance run failed');
    await closeMaintenanceRun(db, id, 'failed', counts, new Date()).catch(() => undefined);
    throw err;
  }
}

const add = (counts: Record<string, number>, key: string, n: number): void => {
  if (n !== 0) counts[key] = (counts[key] ?? 0) + n;
};

/**
 * Re-evaluates every contact of the workspace: recounts the engagement windows from the message
 * log, then recomputes each stage and records transitions. Works in id-ordered chunks, each its
 * own short transaction sized to a time budget, so webhooks keep flowing, in `lanes` slices of the
 * id space at once; the run's lease is renewed per chunk so only one process evaluates a workspace
 * at a time.
 */
export async function runLifecycle(db: Db, workspaceId: string, now: Date, log: Log, opts: RunOptions = {}): Promise<Record<string, number>> {
  return withRun(db, workspaceId, 'lifecycle', now, log, opts.runId, async (id, counts) => {
    const t = lifecycleThresholds(await getWorkspaceSettings(db, workspaceId));
    // Contact ids are random UUIDs, so equal slices of the id space hold about equal numbers of contacts.
    await Promise.all(idSlices(opts.lanes ?? 1).map((slice) => evaluateSlice(db, workspaceId, slice, { id, counts, t, now, opts })));
  });
}

/** `n` equal slices of the UUID space: [from, to) with null for open ends. */
export function idSlices(n: number): { from: string | null; to: string | null }[] {
  const edge = (i: number): string => `${Math.floor((i * 0x1_0000_0000) / n).toString(16).padStart(8, '0')}-0000-0000-0000-000000000000`;
  return Array.from({ length: Math.max(1, n) }, (_, i) => ({ from: i === 0 ? null : edge(i), to: i === n - 1 ? null : edge(i + 1) }));
}

/** One lane of a lifecycle run: the contacts of one id slice, in id-ordered chunks sized to the time budget. */
async function evaluateSlice(
  db: Db,
  workspaceId: string,
  slice: { from: string | null; to: string | null },
  run: { id: string; counts: Record<string, number>; t: LifecycleThresholds; now: Date; opts: RunOptions },
): Promise<void> {
  const { counts, t, now, opts } = run;
  const target = opts.chunkTargetMs ?? 100;
  // Start small (about 10 contacts per ms of budget) and let the measured time size the chunks.
  let size = Math.max(200, Math.round(target * 10));
  let after: string | null = null;
  for (;;) {
    const started = performance.now();
    const done = await db.transaction(async (tx) => {
      // JIT compilation costs more than these short statements save (20-35 ms each when it kicks in).
      await tx.execute(sql`set local jit = off`);
      const lower = after ? sql`and id > ${after}::uuid` : slice.from ? sql`and id >= ${slice.from}::uuid` : sql``;
      const upper = slice.to ? sql`and id < ${slice.to}::uuid` : sql``;
      const chunk = await queryRowsOf<{ id: string }>(tx, sql`select id from contacts where workspace_id = ${workspaceId} ${lower} ${upper} order by id limit ${size}`);
      const ids = chunk.map((c) => c.id);
      const edge = ids.length === size ? ids[ids.length - 1]! : null;
      add(counts, 'windows_recounted', await recountEngagementWindows(tx, workspaceId, ids, now));
      const r = await evaluateLifecycleChunk(tx, workspaceId, ids, t, now);
      add(counts, 'evaluated', r.evaluated);
      add(counts, 'changed', r.changed);
      for (const [stage, n] of Object.entries(r.byStage)) add(counts, `to_${stage}`, n);
      await renewMaintenanceRun(tx, run.id, counts, new Date());
      after = edge;
      return edge === null;
    });
    if (done) return;
    const ms = performance.now() - started;
    if (opts.yieldRatio) await sleep(ms * opts.yieldRatio);
    size = Math.max(100, Math.min(50_000, Math.round(size * Math.min(1.5, target / Math.max(ms, 1)))));
  }
}

/**
 * List hygiene: retires numbers WhatsApp keeps rejecting as not on WhatsApp (131026), archives
 * dormant contacts who ignored a win-back message (when the workspace enables it), and erases the
 * personal data of contacts opted out of everything longer than the retention period (their
 * suppression entry stays). Idempotent: a second run changes nothing and reports zeros.
 */
export async function runHygiene(db: Db, workspaceId: string, now: Date, log: Log, opts: RunOptions = {}): Promise<Record<string, number>> {
  return withRun(db, workspaceId, 'hygiene', now, log, opts.runId, async (id, counts) => {
    const settings = await getWorkspaceSettings(db, workspaceId);
    const h = hygieneThresholds(settings);
    const l = lifecycleThresholds(settings);
    await db.transaction(async (tx) => {
      const streaks = sql`select e.contact_id from contact_engagement e where e.undeliverable_streak >= ${h.unreachableAfterFailures}`;
      const marked = await markUnreachable(tx, workspaceId, streaks, now);
      add(counts, 'marked_unreachable', marked.length);
      await evaluateLifecycleFor(tx, workspaceId, marked, now);
      if (l.autoArchive) {
        const due = await queryRowsOf<{ id: string }>(
          tx,
          sql`select c.id from contact_lifecycle l join contacts c on c.id = l.contact_id join contact_engagement e on e.contact_id = c.id
              where l.workspace_id = ${workspaceId} and l.stage = 'dormant' and e.last_sent_at > coalesce(l.changed_at, c.created_at)
                and e.last_sent_at <= ${new Date(now.getTime() - l.archiveAfterDays * DAY_MS).toISOString()}::timestamptz
                and (e.last_engaged_at is null or e.last_engaged_at < e.last_sent_at)`,
        );
        await evaluateLifecycleFor(tx, workspaceId, due.map((d) => d.id), now);
        const [archived] = await queryRowsOf<{ n: number }>(tx, sql`select count(*)::int as n from contact_lifecycle where contact_id = any(${param(due.map((d) => d.id))}::uuid[]) and stage = 'archived'`);
        add(counts, 'archived', archived?.n ?? 0);
      }
      await renewMaintenanceRun(tx, id, counts, new Date());
    });
    if (h.purgeOptedOutAfterDays !== null) add(counts, 'purged', await purgeOptedOut(db, workspaceId, now, h.purgeOptedOutAfterDays, log, id, counts));
  });
}

/** Erases contacts opted out of every topic for longer than the retention period, 200 per transaction. */
async function purgeOptedOut(db: Db, workspaceId: string, now: Date, days: number, log: Log, runId: string, counts: Record<string, number>): Promise<number> {
  const cutoff = new Date(now.getTime() - days * DAY_MS);
  // Why a dynamic import: privacy imports lifecycle (merging moves stage history), so a static
  // import here closes a cycle through segments, whose rules then read the stage list before it
  // exists (segment catalog without stages; test/module-cycles.test.ts).
  const { eraseContact } = await import('../privacy/index.js');
  let purged = 0;
  for (;;) {
    const batch = await contactsOptedOutBefore(db, workspaceId, cutoff, 200);
    if (batch.length === 0) return purged;
    await db.transaction(async (tx) => {
      const ctx = { db: tx, workspaceId, actor: SYSTEM_ACTOR, now, log };
      for (const id of batch) await eraseContact(ctx, id);
      await renewMaintenanceRun(tx, runId, { ...counts, purged: purged + batch.length }, new Date());
    });
    purged += batch.length;
  }
}
