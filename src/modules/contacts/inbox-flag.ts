// Which contacts the inbox can show: those with a conversation. Only they are in the inbox's trigram
// search index (contacts_search_trgm is partial on in_inbox), so a big import never pays for it.
import { param, sql } from 'drizzle-orm';
import type { Db } from '../context.js';

/** Marks these contacts as in the inbox (they have a conversation now); one statement, a no-op for those already marked. */
export async function markContactsInInbox(db: Db, refs: { workspaceId: string; contactId: string }[]): Promise<void> {
  if (refs.length === 0) return;
  await db.execute(sql`update contacts c set in_inbox = true
                       from unnest(${param(refs.map((r) => r.workspaceId))}::uuid[], ${param(refs.map((r) => r.contactId))}::uuid[]) as x(ws, id)
                       where c.id = x.id and c.workspace_id = x.ws and not c.in_inbox`);
}
