// How far the messages queued through the outbox got, for senders that keep only the outbox key
// (automation steps): a SQL fragment they can aggregate over.
import { sql, type SQL } from 'drizzle-orm';

/**
 * A scalar subquery: the delivery rank (0 pending … 4 read, -1 failed, null never sent) of the
 * message the outbox sent for `dedupeKey` in `workspaceId`.
 */
export function outboxDeliveryRankSql(workspaceId: SQL, dedupeKey: SQL): SQL {
  return sql`(select case when m.failed_at is not null then -1 else m.status_rank end
              from outbox o join messages m on m.id = o.message_id
              where o.workspace_id = ${workspaceId} and o.dedupe_key = ${dedupeKey})`;
}
