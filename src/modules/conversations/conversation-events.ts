// conversation.assigned / conversation.closed for outbound webhooks, emitted by the use cases that
// change them, in their transaction.
import { param, sql } from 'drizzle-orm';
import { contactCardSql } from '../contacts/index.js';
import type { Db } from '../context.js';
import { emitEventRows } from '../hooks/index.js';

/** Publishes conversations' assignment or closing (one event each): ids, the assignee and team, state, and the contact's phone and name. */
export async function emitConversationEvent(db: Db, workspaceId: string, type: 'conversation.assigned' | 'conversation.closed', ids: string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await emitEventRows(
    db,
    workspaceId,
    sql`select ${type}::text as type,
          jsonb_build_object('conversation_id', c.id, 'contact_id', c.contact_id, 'number_id', c.number_id, 'assignee_id', c.assignee_id, 'team_id', c.team_id, 'state', c.state,
            'occurred_at', ${now.toISOString()}::text)
          || ${contactCardSql(workspaceId, sql`c.contact_id`)} as data
        from conversations c where c.id = any(${param(ids)}::uuid[]) and c.workspace_id = ${workspaceId}::uuid`,
    now,
  );
}
