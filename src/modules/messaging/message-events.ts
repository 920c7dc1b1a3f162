// message.received and message.status for outbound webhooks, emitted where inbound messages and
// status events are logged.
import { param, sql } from 'drizzle-orm';
import { contactCardSql } from '../contacts/index.js';
import type { Db } from '../context.js';
import { emitEventRows } from '../hooks/index.js';

/**
 * Publishes a new inbound message in the caller's transaction: message and contact ids, the
 * contact's phone and name, WhatsApp ids, type, text and the button or list reply id (never the raw
 * webhook body). One statement; with no endpoint subscribed, one index probe.
 */
export async function emitMessageReceived(db: Db, workspaceId: string, messageId: string, now: Date): Promise<void> {
  await emitEventRows(
    db,
    workspaceId,
    sql`select 'message.received' as type,
          jsonb_build_object('message_id', m.id, 'contact_id', m.contact_id, 'wa_id', m.wa_id, 'number_id', m.number_id, 'wamid', m.wamid, 'type', m.type, 'text', m.body,
            'reply_id', m.payload->>'reply_id', 'context_wamid', m.context_wamid, 'occurred_at', to_char(m.sent_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
          || ${contactCardSql(workspaceId, sql`m.contact_id`)} as data
        from messages m where m.id = ${messageId}::uuid and m.workspace_id = ${workspaceId}::uuid`,
    now,
  );
}

/**
 * Publishes new status events (sent, delivered, read, failed) of messages in the caller's
 * transaction: message, contact and broadcast ids, the status, Meta's error code, and the contact's
 * phone and name. A status whose message is not logged yet (its send answer still on its way)
 * carries null ids. One statement; with no endpoint subscribed, one index probe. On a busy number
 * this is the largest stream (three a message): subscribe only if the receiver keeps up.
 */
export async function emitMessageStatuses(db: Db, workspaceId: string, statuses: { wamid: string; status: string; occurredAt: Date; errorCode: number | null }[], now: Date): Promise<void> {
  if (statuses.length === 0) return;
  await emitEventRows(
    db,
    workspaceId,
    sql`select 'message.status' as type,
          jsonb_build_object('message_id', m.id, 'contact_id', m.contact_id, 'broadcast_id', m.broadcast_id, 'wamid', s.wamid, 'status', s.status, 'error_code', s.error_code,
            'occurred_at', to_char(s.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
          || case when m.contact_id is null then '{}'::jsonb else ${contactCardSql(workspaceId, sql`m.contact_id`)} end as data
        from unnest(${param(statuses.map((s) => s.wamid))}::text[], ${param(statuses.map((s) => s.status))}::text[], ${param(statuses.map((s) => s.occurredAt.toISOString()))}::timestamptz[],
                    ${param(statuses.map((s) => s.errorCode))}::int[]) as s(wamid, status, occurred_at, error_code)
        left join messages m on m.workspace_id = ${workspaceId}::uuid and m.wamid = s.wamid
        order by s.occurred_at`,
    now,
  );
}
