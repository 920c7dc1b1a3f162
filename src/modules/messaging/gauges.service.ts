import { sql } from 'drizzle-orm';
import type { Db } from '../context.js';
import { queryRowsOf } from '../sql.js';

/** Automated messages (confirmations, welcomes, auto-replies, automation sends) waiting in the outbox, all workspaces (operator metrics). */
export async function outboxDepth(db: Db): Promise<number> {
  // outbox_pending_idx (status, created_at): an index-only count of the queued rows.
  const [row] = await queryRowsOf<{ n: number }>(db, sql`select count(*)::int as n from outbox where status = 'queued'`);
  return row?.n ?? 0;
}
