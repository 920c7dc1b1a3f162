import { and, eq, inArray, lt, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Db } from './context.js';

/** Runs raw SQL and returns its rows (PGlite and node-postgres both expose `.rows`). */
export async function queryRowsOf<T>(db: Db, query: SQL): Promise<T[]> {
  const res = (await db.execute(query)) as unknown as { rows: T[] };
  return res.rows;
}

/** Keyset condition "strictly after this (time, id) position in newest-first order"; none without a cursor. */
export function olderThan(timeCol: AnyColumn, idCol: AnyColumn, after: { t: string; id: string } | undefined): SQL | undefined {
  if (!after) return undefined;
  const t = new Date(after.t);
  return or(lt(timeCol, t), and(eq(timeCol, t), lt(idCol, after.id)));
}

/** Rows whose (workspace, id) is one of these pairs (none when empty): keeps a cross-workspace system read tenant-scoped. */
export function idsInWorkspaces(workspaceCol: AnyColumn, idCol: AnyColumn, refs: { workspaceId: string; id: string }[]): SQL {
  const byWorkspace = new Map<string, Set<string>>();
  for (const r of refs) byWorkspace.set(r.workspaceId, (byWorkspace.get(r.workspaceId) ?? new Set()).add(r.id));
  const each = [...byWorkspace].map(([ws, ids]) => and(eq(workspaceCol, ws), inArray(idCol, [...ids])));
  return or(...each) ?? sql`false`;
}
