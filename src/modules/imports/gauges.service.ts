import { sql } from 'drizzle-orm';
import type { Db } from '../context.js';
import { queryRowsOf } from '../sql.js';

/** Imports running now and the rows they have read so far, all workspaces (operator metrics). */
export async function importProgress(db: Db): Promise<{ running: number; rows: number }> {
  // The imports table holds one row per import (thousands at most): a plain scan is cheap.
  const [row] = await queryRowsOf<{ running: number; rows: number | string }>(
    db,
    sql`select count(*)::int as running, coalesce(sum(rows_total), 0)::bigint as rows from imports where status = 'running'`,
  );
  return { running: row?.running ?? 0, rows: Number(row?.rows ?? 0) };
}
