// Live inbox announcements: NOTIFYs on one channel, delivered at commit to every API process that
// LISTENs (inbox-events.ts fans them out to the workspace's Server-Sent Events streams).
import { sql } from 'drizzle-orm';
import type { Db } from '../context.js';

/** The channel live inbox updates go out on (payload: `{ workspace_id, ids }` or `{ workspace_id, typing }`). */
export const INBOX_CHANNEL = 'greenlist_inbox';

/** Tells listening API processes that someone is typing in a conversation (presence; delivered at commit). */
export async function notifyTyping(tx: Db, t: { workspace_id: string; conversation_id: string; user_id: string | null; name: string | null }): Promise<void> {
  const payload = JSON.stringify({ workspace_id: t.workspace_id, typing: { conversation_id: t.conversation_id, user_id: t.user_id, name: t.name } });
  await tx.execute(sql`select pg_notify(${INBOX_CHANNEL}, ${payload})`);
}

/** Tells listening API processes which conversations changed, per workspace (delivered at commit). */
export async function notifyChanged(tx: Db, changed: { id: string; workspace_id: string }[]): Promise<void> {
  const byWorkspace = new Map<string, string[]>();
  for (const c of changed) (byWorkspace.get(c.workspace_id) ?? byWorkspace.set(c.workspace_id, []).get(c.workspace_id)!).push(c.id);
  for (const [workspaceId, ids] of byWorkspace) {
    // A NOTIFY payload is at most 8,000 bytes: past 100 ids, listeners reload the list instead.
    const payload = JSON.stringify({ workspace_id: workspaceId, ids: ids.length > 100 ? null : ids });
    await tx.execute(sql`select pg_notify(${INBOX_CHANNEL}, ${payload})`);
  }
}
