// Merge step for conversations (privacy module's mergeContacts): the dropped contacts' conversations
// move to the kept contact; where the kept one already has a conversation on that number, the
// dropped one's notes move to it and the newer activity wins.
import { param, sql } from 'drizzle-orm';
import type { Db } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { markContactsInInbox } from '../contacts/index.js';

/** Moves `dropIds`' conversations (and notes) to `keepId`, in the caller's transaction. */
export async function mergeConversations(db: Db, workspaceId: string, keepId: string, dropIds: string[]): Promise<void> {
  const drops = param(dropIds);
  await db.execute(sql`
    update conversation_notes n set conversation_id = k.id
    from conversations d join conversations k on k.workspace_id = d.workspace_id and k.number_id = d.number_id and k.contact_id = ${keepId}
    where n.conversation_id = d.id and d.workspace_id = ${workspaceId} and d.contact_id = any(${drops}::uuid[])`);
  // The dropped conversations' agent activity moves with their notes (figures keep their replies and closes).
  await db.execute(sql`
    update conversation_activity a set conversation_id = k.id
    from conversations d join conversations k on k.workspace_id = d.workspace_id and k.number_id = d.number_id and k.contact_id = ${keepId}
    where a.conversation_id = d.id and d.workspace_id = ${workspaceId} and d.contact_id = any(${drops}::uuid[])`);
  await db.execute(sql`
    update conversations k set last_message_at = greatest(k.last_message_at, d.last_message_at), last_inbound_at = greatest(k.last_inbound_at, d.last_inbound_at),
      preview = case when d.last_message_at > k.last_message_at then d.preview else k.preview end, updated_at = now()
    from conversations d
    where k.workspace_id = ${workspaceId} and k.contact_id = ${keepId} and d.workspace_id = k.workspace_id and d.number_id = k.number_id and d.contact_id = any(${drops}::uuid[])`);
  await db.execute(sql`
    delete from conversations d where d.workspace_id = ${workspaceId} and d.contact_id = any(${drops}::uuid[])
      and exists (select 1 from conversations k where k.workspace_id = d.workspace_id and k.number_id = d.number_id and k.contact_id = ${keepId})`);
  const moved = await queryRowsOf<{ id: string }>(db, sql`update conversations set contact_id = ${keepId}, updated_at = now() where workspace_id = ${workspaceId} and contact_id = any(${drops}::uuid[]) returning id`);
  if (moved.length > 0) await markContactsInInbox(db, [{ workspaceId, contactId: keepId }]);
}
