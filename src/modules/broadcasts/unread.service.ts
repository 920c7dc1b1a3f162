// Who did not read a broadcast: for triggers that follow up ("not read after N days").
import { sql, type SQL } from 'drizzle-orm';

/** Which sends: of one broadcast, or of every broadcast on a topic, made in (from, to]. */
export interface UnreadSendsQuery {
  workspaceId: string;
  broadcastId?: string | null;
  topicId?: string | null;
  from: Date;
  to: Date;
}

/**
 * `select contact_id, broadcast_id` of the sends made in (from, to] that are not read (no read
 * status yet) and not replied to. Broadcasts not started by `to` are not looked at.
 */
export function unreadSendsSql(q: UnreadSendsQuery): SQL {
  const which = q.broadcastId ? sql`b.id = ${q.broadcastId}::uuid` : q.topicId ? sql`b.topic_id = ${q.topicId}::uuid` : sql`true`;
  return sql`select r.contact_id, r.broadcast_id from broadcasts b join broadcast_recipients r on r.broadcast_id = b.id
             where b.workspace_id = ${q.workspaceId} and ${which} and b.started_at is not null and b.started_at <= ${q.to.toISOString()}::timestamptz
               and r.sent_at > ${q.from.toISOString()}::timestamptz and r.sent_at <= ${q.to.toISOString()}::timestamptz
               and r.delivery_rank < 4 and r.replied_at is null`;
}
