import type { SQL } from 'drizzle-orm';
import type { Db } from './context.js';

/** Runs raw SQL and returns its rows (PGlite and node-postgres both expose `.rows`). */
export async function queryRowsOf<T>(db: Db, query: SQL): Promise<T[]> {
  const res = (await db.execute(query)) as unknown as { rows: T[] };
  return res.rows;
}
