import { and, asc, desc, eq, gt, inArray, lt, or, sql, type AnyColumn, type InferSelectModel, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { notFound } from '../lib/errors.js';
import { decodeCursor, toPage, type Page } from '../lib/pagination.js';
import type { Ctx, Db } from './context.js';

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
  // A row comparison, not `t < x or (t = x and id < y)`: the index on (…, time, id) then starts its
  // scan at the cursor. The OR form made PostgreSQL walk (and filter out) every row newer than the
  // cursor, so page k cost O(k): half a million index entries halfway down a 1,000,000-contact list.
  return sql`(${timeCol}, ${idCol}) < (${new Date(after.t).toISOString()}::timestamptz, ${after.id}::uuid)`;
}

/** The workspace's row with this id; none (or another workspace's) is a 404 "<what> not found". */
export async function workspaceRowById<T extends PgTable & Record<'workspaceId' | 'id', AnyColumn>>(ctx: Pick<Ctx, 'db' | 'workspaceId'>, table: T, id: string, what: string): Promise<InferSelectModel<T>> {
  const [row] = (await ctx.db
    .select()
    .from(table as PgTable)
    .where(and(eq(table.id, id), eq(table.workspaceId, ctx.workspaceId)))) as InferSelectModel<T>[];
  if (!row) throw notFound(what, id);
  return row;
}

/** What a workspace page may filter on besides the workspace: undefined filters are skipped. */
interface WorkspacePageQuery {
  workspaceId: string;
  filters?: (SQL | undefined)[];
  limit: number;
  cursor?: string;
}

// The `limit + 1` rows of one page of a workspace's rows (the extra one tells whether more follow).
async function workspacePage<T extends PgTable & Record<'workspaceId', AnyColumn>>(
  db: Db,
  table: T,
  q: WorkspacePageQuery,
  keyset: SQL | undefined,
  orderBy: SQL[],
  cursorOf: (r: Record<string, unknown>) => Record<string, string | number>,
): Promise<Page<InferSelectModel<T>>> {
  const rows = (await db
    .select()
    .from(table as PgTable)
    .where(and(eq(table.workspaceId, q.workspaceId), ...(q.filters ?? []), keyset))
    .orderBy(...orderBy)
    .limit(q.limit + 1)) as Record<string, unknown>[];
  return toPage(rows, q.limit, (r) => r as InferSelectModel<T>, cursorOf);
}

/**
 * One keyset page of a workspace's rows ordered by (time, id), newest or oldest first, with extra
 * filters. The cursor is `{ t, id }`: the last row's time (ISO) and id.
 */
export async function workspaceRowsByTime<K extends string, T extends PgTable & Record<'workspaceId' | 'id' | K, AnyColumn>>(
  db: Db,
  table: T,
  q: WorkspacePageQuery & { time: K; order: 'newest' | 'oldest' },
): Promise<Page<InferSelectModel<T>>> {
  const after = decodeCursor(q.cursor, { t: 'time', id: 'uuid' });
  const timeCol = table[q.time];
  const keyset =
    q.order === 'newest' ? olderThan(timeCol, table.id, after) : after ? sql`(${timeCol}, ${table.id}) > (${after.t}::timestamptz, ${after.id}::uuid)` : undefined;
  const dir = q.order === 'newest' ? desc : asc;
  return workspacePage(db, table, q, keyset, [dir(timeCol), dir(table.id)], (r) => ({ t: (r[q.time] as Date).toISOString(), id: r.id as string }));
}

/**
 * One keyset page of a workspace's rows ordered by one unique column `key` (a uuid, text or row
 * number), ascending or descending, with extra filters. The cursor is `{ [key]: value }`.
 */
export async function workspaceRowsByKey<K extends string, T extends PgTable & Record<'workspaceId' | K, AnyColumn>>(
  db: Db,
  table: T,
  q: WorkspacePageQuery & { key: K; kind: 'uuid' | 'text' | 'int'; order: 'asc' | 'desc' },
): Promise<Page<InferSelectModel<T>>> {
  const after = decodeCursor(q.cursor, { [q.key]: q.kind } as Record<K, 'uuid' | 'text' | 'int'>);
  const col = table[q.key];
  const keyset = after ? (q.order === 'asc' ? gt : lt)(col, after[q.key]) : undefined;
  return workspacePage(db, table, q, keyset, [(q.order === 'asc' ? asc : desc)(col)], (r) => ({ [q.key]: r[q.key] as string | number }));
}

/** Rows whose (workspace, id) is one of these pairs (none when empty): keeps a cross-workspace system read tenant-scoped. */
export function idsInWorkspaces(workspaceCol: AnyColumn, idCol: AnyColumn, refs: { workspaceId: string; id: string }[]): SQL {
  const byWorkspace = new Map<string, Set<string>>();
  for (const r of refs) byWorkspace.set(r.workspaceId, (byWorkspace.get(r.workspaceId) ?? new Set()).add(r.id));
  const each = [...byWorkspace].map(([ws, ids]) => and(eq(workspaceCol, ws), inArray(idCol, [...ids])));
  return or(...each) ?? sql`false`;
}
