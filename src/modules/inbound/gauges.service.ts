import { sql } from 'drizzle-orm';
import type { Db } from '../context.js';
import { queryRowsOf } from '../sql.js';

/** Webhook processing backlog across all workspaces (operator metrics; no per-tenant data). */
export interface IntakeBacklog {
  pending: number;
  /** Age of the oldest pending body, in seconds (0 when none is pending). */
  oldestPendingSeconds: number;
}

/**
 * Pending bodies and the age of the oldest, in one statement. Why cheap: both read the partial
 * index on pending rows (the count is an index-only scan over the backlog, the oldest is its first
 * entry), never the processed bodies that make up nearly all of the table.
 */
export async function intakeBacklog(db: Db): Promise<IntakeBacklog> {
  const [row] = await queryRowsOf<{ pending: number; age: number | string | null }>(
    db,
    sql`select (select count(*)::int from webhook_events where status = 'pending') as pending,
               (select extract(epoch from clock_timestamp() - received_at)::float8 from webhook_events where status = 'pending' order by id limit 1) as age`,
  );
  return { pending: row?.pending ?? 0, oldestPendingSeconds: Math.max(0, Number(row?.age ?? 0)) };
}
