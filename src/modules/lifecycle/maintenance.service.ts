import { and, desc, eq, sql } from 'drizzle-orm';
import { AppError, notFound } from '../../lib/errors.js';
import type { Ctx, Db } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { maintenanceRuns } from './lifecycle.tables.js';

/** The bulk jobs that keep a list in shape. */
export type MaintenanceKind = 'lifecycle' | 'hygiene';

// A run renews its lease with every chunk; a process that dies mid-run frees the workspace after this.
export const LEASE_MS = 60_000;

/** A run as the API shows it. */
export interface MaintenanceRunOut {
  id: string;
  kind: string;
  status: string;
  counts: Record<string, number>;
  started_at: string;
  finished_at: string | null;
}

function toRunOut(r: typeof maintenanceRuns.$inferSelect): MaintenanceRunOut {
  return { id: r.id, kind: r.kind, status: r.status, counts: r.counts, started_at: r.startedAt.toISOString(), finished_at: r.finishedAt ? r.finishedAt.toISOString() : null };
}

/**
 * Opens a run if no other live run of this kind holds the workspace. The advisory lock makes the
 * check-then-insert atomic across processes; the lease (not the lock) is what other processes see
 * for the rest of the run, so the run itself can use many short transactions.
 */
export async function openMaintenanceRun(db: Db, workspaceId: string, kind: MaintenanceKind, now: Date): Promise<string | null> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`greenlist.maintenance.${kind}.${workspaceId}`}))`);
    const [busy] = await queryRowsOf<{ id: string }>(
      tx,
      sql`select id from maintenance_runs where workspace_id = ${workspaceId} and kind = ${kind} and status = 'running' and lease_until > ${now.toISOString()}::timestamptz limit 1`,
    );
    if (busy) return null;
    // Runs whose lease ran out died with their process; close them so the history is honest.
    await tx.execute(sql`update maintenance_runs set status = 'abandoned', finished_at = ${now.toISOString()}::timestamptz where workspace_id = ${workspaceId} and kind = ${kind} and status = 'running'`);
    const [row] = await tx
      .insert(maintenanceRuns)
      .values({ workspaceId, kind, status: 'running', startedAt: now, leaseUntil: new Date(now.getTime() + LEASE_MS) })
      .returning({ id: maintenanceRuns.id });
    return row!.id;
  });
}

/** Records progress and extends the lease. */
export async function renewMaintenanceRun(db: Db, id: string, counts: Record<string, number>, now: Date): Promise<void> {
  await db
    .update(maintenanceRuns)
    .set({ counts, leaseUntil: new Date(now.getTime() + LEASE_MS) })
    .where(eq(maintenanceRuns.id, id));
}

/** Closes a run with its final counts. */
export async function closeMaintenanceRun(db: Db, id: string, status: 'succeeded' | 'failed', counts: Record<string, number>, now: Date): Promise<void> {
  await db.update(maintenanceRuns).set({ status, counts, finishedAt: now, leaseUntil: null }).where(eq(maintenanceRuns.id, id));
}

/** One run of the workspace. */
export async function getMaintenanceRun(ctx: Ctx, id: string): Promise<MaintenanceRunOut> {
  const [row] = await ctx.db
    .select()
    .from(maintenanceRuns)
    .where(and(eq(maintenanceRuns.id, id), eq(maintenanceRuns.workspaceId, ctx.workspaceId)));
  if (!row) throw notFound('run', id);
  return toRunOut(row);
}

/** Recent runs of a kind, newest first. */
export async function listMaintenanceRuns(ctx: Ctx, kind: MaintenanceKind): Promise<MaintenanceRunOut[]> {
  const rows = await ctx.db
    .select()
    .from(maintenanceRuns)
    .where(and(eq(maintenanceRuns.workspaceId, ctx.workspaceId), eq(maintenanceRuns.kind, kind)))
    .orderBy(desc(maintenanceRuns.startedAt))
    .limit(50);
  return rows.map(toRunOut);
}

/** The 409 for a second run while one is going. */
export function runningError(kind: MaintenanceKind): AppError {
  return new AppError('MAINTENANCE_RUNNING', `a ${kind} run is already in progress for this workspace; follow it with GET /api/v1/${kind}/runs`);
}

/** Workspaces whose last finished run of `kind` is older than `everyMs` (or that never had one). */
export async function workspacesDueFor(db: Db, kind: MaintenanceKind, everyMs: number, now: Date): Promise<string[]> {
  const rows = await queryRowsOf<{ id: string }>(
    db,
    sql`select w.id from workspaces w
        where not exists (select 1 from maintenance_runs r where r.workspace_id = w.id and r.kind = ${kind}
                          and (r.status = 'running' and r.lease_until > ${now.toISOString()}::timestamptz
                               or r.status = 'succeeded' and r.started_at > ${new Date(now.getTime() - everyMs).toISOString()}::timestamptz))`,
  );
  return rows.map((r) => r.id);
}
