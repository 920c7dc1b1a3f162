import { and, asc, desc, eq, inArray, lt, or, sql, type AnyColumn, type InferSelectModel, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { decodeCursor, toPage, type Page } from '../lib/pagination.js';
import type { Db } from './context.js';

/** Runs raw SQL and returns its rows (PGlite and node-postgres both expose `.rows`). */
export async function queryRowsOf<T>(db: Db, query: SQL): Promise<T[]> {
  const res = (await db.execute(query)) as unknown as { rows: T[] };
  return res.rows;
}

/** A CHECK condition "`col` is one of `values`", the values (constants of the code) quoted as SQL literals. */
export function inList(col: string, values: readonly string[]): SQL {
  return sql.raw(`${col} IN (${values.map((v) => `'${v}'`).join(', ')})`);
}

/** Keyset condition "strictly after this (time, id) position in newest-first order"; none without a cursor. */
export function olderThan(timeCol: AnyColumn, idCol: AnyColumn, after: { t: string; id: string } | undefined): SQL | undefined {
  if (!after) return undefined;
  const t = new Date(after.t);
  return or(lt(timeCol, t), and(eq(timeCol, t), lt(idCol, after.id)));
}

/** A table keyed by id whose rows belong to a workspace and carry a timestamp column `K`. */
type TimedWorkspaceTable<K extends string> = PgTable & Record<'workspaceId' | 'id' | K, AnyColumn>;

/**
 * One keyset page of a workspace's rows ordered by (time, id): newest first, or oldest first,
 * with extra filters (undefined ones are skipped). The cursor is `{ t, id }`: the last row's time
 * (ISO) and id.
 */
export async function workspaceRowsByTime<K extends string, T extends TimedWorkspaceTable<K>>(
  db: Db,
  table: T,
  q: { workspaceId: string; time: K; order: 'newest' | 'oldest'; filters?: (SQL | undefined)[]; limit: number; cursor?: string },
): Promise<Page<InferSelectModel<T>>> {
  const after = decodeCursor(q.cursor, { t: 'time', id: 'uuid' });
  const timeCol = table[q.time];
  const keyset =
    q.order === 'newest' ? olderThan(timeCol, table.id, after) : after ? sql`(${timeCol}, ${table.id}) > (${after.t}::timestamptz, ${after.id}::uuid)` : undefined;
  const dir = q.order === 'newest' ? desc : asc;
  const rows = (await db
    .select()
    .from(table as PgTable)
    .where(and(eq(table.workspaceId, q.workspaceId), ...(q.filters ?? []), keyset))
    .orderBy(dir(timeCol), dir(table.id))
    .limit(q.limit + 1)) as Record<string, unknown>[] as InferSelectModel<T>[];
  return toPage(rows, q.limit, (r) => r, (r) => ({ t: (r[q.time] as Date).toISOString(), id: r.id as string }));
}

/** Rows whose (workspace, id) is one of these pairs (none when empty): keeps a cross-workspace system read tenant-scoped. */
export function idsInWorkspaces(workspaceCol: AnyColumn, idCol: AnyColumn, refs: { workspaceId: string; id: string }[]): SQL {
  const byWorkspace = new Map<string, Set<string>>();
  for (const r of refs) byWorkspace.set(r.workspaceId, (byWorkspace.get(r.workspaceId) ?? new Set()).add(r.id));
  const each = [...byWorkspace].map(([ws, ids]) => and(eq(workspaceCol, ws), inArray(idCol, [...ids])));
  return or(...each) ?? sql`false`;
}
