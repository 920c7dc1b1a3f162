// How far the messages queued through the outbox got, for senders that keep only the outbox key
// (automation steps): a SQL fragment they can aggregate over.
import { sql, type SQL } from 'drizzle-orm';

/** How long after a message an inbound message from the same person counts as its reply (as for broadcasts). */
const REPLY_WINDOW_HOURS = 72;

/**
 * A subquery for a lateral join, one row per sent item: `rank`, the delivery rank (0 pending … 4
 * read, -1 failed) of the message the outbox sent for `dedupeKey` in `workspaceId`, its `contact_id`
 * and `sent_at`, and `replied`,
 * whether the person wrote within 72 h after it (WhatsApp times are whole seconds, so a reply in the
 * send's second counts). No row when it was never sent.
 */
export function outboxOutcomeSql(workspaceId: SQL, dedupeKey: SQL): SQL {
  return sql`(select case when m.failed_at is not null then -1 else m.status_rank end as rank,
                exists (select 1 from messages r where r.workspace_id = m.workspace_id and r.contact_id = m.contact_id and r.direction = 'in'
                          and r.sent_at >= date_trunc('second', m.sent_at) and r.sent_at < m.sent_at + make_interval(hours => ${REPLY_WINDOW_HOURS})) as replied,
                m.contact_id, m.sent_at
              from outbox o join messages m on m.id = o.message_id
              where o.workspace_id = ${workspaceId} and o.dedupe_key = ${dedupeKey})`;
}
