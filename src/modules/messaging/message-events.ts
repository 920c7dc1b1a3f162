// message.received for outbound webhooks, emitted where inbound messages are logged.
import { sql } from 'drizzle-orm';
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
