// Hand-over from a bot to a person: an automation opens (or reopens) the person's conversation,
// unassigned, with a note for the agent; bots stay quiet for that person until it is closed.
import { param, sql } from 'drizzle-orm';
import type { Db } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { notifyChanged } from './sync.service.js';

/** Opens the conversations of the people handed over (set-based), each with the note for the agent. */
export async function openHandovers(db: Db, h: { workspaceId: string; numberId: string; contactIds: string[]; note: string | null; now: Date }): Promise<void> {
  if (h.contactIds.length === 0) return;
  const now = h.now.toISOString();
  const rows = await queryRowsOf<{ id: string; workspace_id: string }>(
    db,
    sql`insert into conversations as c (workspace_id, number_id, contact_id, state, last_message_at, handed_over_at, state_at)
        select ${h.workspaceId}, ${h.numberId}, x, 'open', ${now}::timestamptz, ${now}::timestamptz, ${now}::timestamptz from unnest(${param(h.contactIds)}::uuid[]) as x
        on conflict (number_id, contact_id) do update set state = 'open', handed_over_at = excluded.handed_over_at, state_at = excluded.state_at,
          last_message_at = greatest(c.last_message_at, excluded.last_message_at), updated_at = now()
        returning c.id, c.workspace_id`,
  );
  if (h.note) {
    await db.execute(sql`insert into conversation_notes (workspace_id, conversation_id, text, created_at)
                         select ${h.workspaceId}, x, ${h.note}, ${now}::timestamptz from unnest(${param(rows.map((r) => r.id))}::uuid[]) as x`);
  }
  await notifyChanged(db, rows);
}

/** Which of these people are with a person now (handed over, conversation not closed): bots leave them alone. */
export async function contactsWithAgent(db: Db, workspaceId: string, contactIds: string[]): Promise<Set<string>> {
  if (contactIds.length === 0) return new Set();
  const rows = await queryRowsOf<{ contact_id: string }>(
    db,
    sql`select distinct contact_id from conversations where workspace_id = ${workspaceId} and contact_id = any(${param(contactIds)}::uuid[]) and handed_over_at is not null and state <> 'closed'`,
  );
  return new Set(rows.map((r) => r.contact_id));
}

/**
 * Which of these messages reached a conversation an agent was handling when the person wrote:
 * assigned to someone or handed over, and not closed since before the message (a closed
 * conversation reopened by this very message has `state_at` at or after it, so it does not count).
 * Returns the keys `<number id>:<contact id>:<sent at ms>` of the handled ones; auto-replies stay silent for them.
 */
export async function handledWhen(db: Db, items: { workspaceId: string; numberId: string; contactId: string; at: Date }[]): Promise<Set<string>> {
  if (items.length === 0) return new Set();
  const rows = await queryRowsOf<{ num: string; contact: string; at: string | Date }>(
    db,
    sql`select x.num, x.contact, x.at from unnest(${param(items.map((i) => i.workspaceId))}::uuid[], ${param(items.map((i) => i.numberId))}::uuid[], ${param(items.map((i) => i.contactId))}::uuid[], ${param(items.map((i) => i.at.toISOString()))}::timestamptz[]) as x(ws, num, contact, at)
        join conversations c on c.workspace_id = x.ws and c.number_id = x.num and c.contact_id = x.contact
        where (c.assignee_id is not null or c.handed_over_at is not null) and c.state <> 'closed' and c.state_at < x.at`,
  );
  return new Set(rows.map((r) => `${r.num}:${r.contact}:${new Date(r.at).getTime()}`));
}
