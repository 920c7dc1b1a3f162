import { sql } from 'drizzle-orm';
import type { Db } from '../context.js';
import { queryRowsOf } from '../sql.js';

/** Broadcast recipients still queued to be sent, all workspaces (operator metrics). */
export async function queuedRecipients(db: Db): Promise<number> {
  // Counted over the partial index of queued rows (broadcast_recipients_due_idx): its size is the
  // queue, not the table's millions of sent rows.
  const [row] = await queryRowsOf<{ n: number }>(db, sql`select count(*)::int as n from broadcast_recipients where state = 'queued'`);
  return row?.n ?? 0;
}
