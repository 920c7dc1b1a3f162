import { eq, sql } from 'drizzle-orm';
import { AppError, notFound } from '../../lib/errors.js';
import { recordAudit } from '../audit/index.js';
import { SYSTEM_ACTOR, type Ctx, type Db, type Log } from '../context.js';
import { workspaces } from './workspaces.tables.js';
import { createWorkspaceIn, updateWorkspaceIn, type WorkspaceOut, type WorkspaceSettings } from './workspaces.schemas.js';

type WorkspaceRow = typeof workspaces.$inferSelect;

/** Maps a row to the API shape. */
export function toWorkspaceOut(r: WorkspaceRow): WorkspaceOut {
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    settings: r.settings,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

/** Finds a workspace by slug, or undefined. */
export async function findWorkspaceBySlug(db: Db, slug: string): Promise<WorkspaceRow | undefined> {
  const [row] = await db.select().from(workspaces).where(eq(workspaces.slug, slug)).limit(1);
  return row;
}

/** Creates a workspace; the first audit row in it records who made it. */
export async function createWorkspace(
  db: Db,
  input: { slug: string; name: string },
  env: { now: Date; log: Log; actor?: Ctx['actor'] },
): Promise<WorkspaceOut> {
  const data = createWorkspaceIn.parse(input);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(workspaces)
      .values({ slug: data.slug, name: data.name, createdAt: env.now, updatedAt: env.now })
      .onConflictDoNothing({ target: workspaces.slug })
      .returning();
    if (!row) throw new AppError('WORKSPACE_SLUG_TAKEN', `a workspace with slug "${data.slug}" already exists`, { field: 'slug' });
    const ctx: Ctx = { db: tx, workspaceId: row.id, actor: env.actor ?? SYSTEM_ACTOR, now: env.now, log: env.log };
    await recordAudit(ctx, { action: 'workspace.created', targetType: 'workspace', targetId: row.id, details: { slug: row.slug } });
    return toWorkspaceOut(row);
  });
}

/**
 * Creates the `default` workspace on first start. Safe to run from several processes at once:
 * the unique slug makes exactly one insert win.
 */
export async function ensureDefaultWorkspace(db: Db, env: { now: Date; log: Log }): Promise<WorkspaceOut> {
  const existing = await findWorkspaceBySlug(db, 'default');
  if (existing) return toWorkspaceOut(existing);
  try {
    return await createWorkspace(db, { slug: 'default', name: 'Default workspace' }, env);
  } catch (err) {
    if (err instanceof AppError && err.code === 'WORKSPACE_SLUG_TAKEN') {
      const row = await findWorkspaceBySlug(db, 'default');
      if (row) return toWorkspaceOut(row);
    }
    throw err;
  }
}

// Same reasoning as the API-key cache: only with the single-owner embedded database, where every
// change to a workspace happens in this process and clears the entry.
const workspaceCache = { enabled: false, generation: 0, entries: new Map<string, WorkspaceOut>() };

/** Turns the in-process workspace cache on (embedded single-process mode only) or off. */
export function useWorkspaceCache(enabled: boolean): void {
  workspaceCache.enabled = enabled;
  workspaceCache.generation++;
  workspaceCache.entries.clear();
}

/** The caller's workspace. */
export async function getWorkspace(ctx: Pick<Ctx, 'db' | 'workspaceId'>): Promise<WorkspaceOut> {
  const cached = workspaceCache.enabled ? workspaceCache.entries.get(ctx.workspaceId) : undefined;
  if (cached) return cached;
  const generation = workspaceCache.generation;
  const [row] = await ctx.db.select().from(workspaces).where(eq(workspaces.id, ctx.workspaceId));
  if (!row) throw notFound('workspace');
  const out = toWorkspaceOut(row);
  if (workspaceCache.enabled && generation === workspaceCache.generation) workspaceCache.entries.set(ctx.workspaceId, out);
  return out;
}

/** A workspace's settings, typed where known (`default_country`, `opt_out`); cached like the workspace. */
export async function getWorkspaceSettings(db: Db, workspaceId: string): Promise<WorkspaceSettings> {
  return (await getWorkspace({ db, workspaceId })).settings as WorkspaceSettings;
}

/** Renames the workspace or merges keys into its settings (a key set to null is removed). */
export async function updateWorkspace(ctx: Ctx, input: unknown): Promise<WorkspaceOut> {
  const data = updateWorkspaceIn.parse(input);
  workspaceCache.generation++;
  workspaceCache.entries.delete(ctx.workspaceId);
  const [currentRow] = await ctx.db.select().from(workspaces).where(eq(workspaces.id, ctx.workspaceId));
  if (!currentRow) throw notFound('workspace');
  const current = toWorkspaceOut(currentRow);
  const settings = { ...current.settings };
  for (const [k, v] of Object.entries(data.settings ?? {})) {
    if (v === null) delete settings[k];
    else settings[k] = v;
  }
  const [row] = await ctx.db
    .update(workspaces)
    .set({ name: data.name ?? current.name, settings, updatedAt: ctx.now })
    .where(eq(workspaces.id, ctx.workspaceId))
    .returning();
  await recordAudit(ctx, {
    action: 'workspace.updated',
    targetType: 'workspace',
    targetId: ctx.workspaceId,
    details: { fields: Object.keys(data), settings_keys: Object.keys(data.settings ?? {}) },
  });
  // Cleared again after the write: a read that raced the update must not keep the old row.
  workspaceCache.generation++;
  workspaceCache.entries.delete(ctx.workspaceId);
  return toWorkspaceOut(row!);
}

/** Number of workspaces (used by start-up and health reporting). */
export async function countWorkspaces(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(workspaces);
  return row?.n ?? 0;
}
