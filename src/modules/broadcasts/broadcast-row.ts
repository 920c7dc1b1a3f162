import { and, eq } from 'drizzle-orm';
import { notFound } from '../../lib/errors.js';
import type { Ctx } from '../context.js';
import { broadcasts } from './broadcasts.tables.js';

/** A broadcast row. */
export type BroadcastRow = typeof broadcasts.$inferSelect;

/** Loads a broadcast of this workspace (optionally locking its row) or 404s. */
export async function loadBroadcast(ctx: Pick<Ctx, 'db' | 'workspaceId'>, id: string, forUpdate = false): Promise<BroadcastRow> {
  const q = ctx.db.select().from(broadcasts).where(and(eq(broadcasts.id, id), eq(broadcasts.workspaceId, ctx.workspaceId)));
  const [row] = forUpdate ? await q.for('update') : await q;
  if (!row) throw notFound('broadcast', id);
  return row;
}
