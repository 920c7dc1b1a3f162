// Hand-over from a bot to a person: an automation opens (or reopens) the person's conversation,
// unassigned, with a note for the agent; bots stay quiet for that person until it is closed.
import { param, sql } from 'drizzle-orm';
import type { Db } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { notifyChanged } from './notify.js';
import { assignRoundRobin } from './routing.service.js';
import { HANDOVER_OPENING_COLUMNS } from './figures.sql.js';
import { markContactsInInbox } from '../contacts/index.js';

/** Opens the conversations of the people handed over (set-based), each with the note for the agent. */
export async function openHandovers(db: Db, h: { workspaceId: string; numberId: string; contactIds: string[]; note: string | null; now: Date }): Promise<void> {
  if (h.contactIds.length === 0) return;
  const now = h.now.toISOString();
  const rows = await queryRowsOf<{ id: string; workspace_id: string; contact_id: string; created: boolean }>(
    db,
    sql`insert into conversations as c (workspace_id, number_id, contact_id, state, last_message_at, handed_over_at, state_at, opened_at, handled_at)
        select ${h.workspaceId}, ${h.numberId}, x, 'open', ${now}::timestamptz, ${now}::timestamptz, ${now}::timestamptz, ${now}::timestamptz, clock_timestamp() from unnest(${param(h.contactIds)}::uuid[]) as x
        on conflict (number_id, contact_id) do update set ${HANDOVER_OPENING_COLUMNS}, state = 'open', handed_over_at = excluded.handed_over_at, state_at = excluded.state_at, handled_at = excluded.handled_at,
          last_message_at = greatest(c.last_message_at, excluded.last_message_at), updated_at = now()
        returning c.id, c.workspace_id, c.contact_id, (c.xmax = 0) as created`,
  );
  const created = rows.filter((r) => r.created);
  await markContactsInInbox(db, created.map((r) => ({ workspaceId: r.workspace_id, contactId: r.contact_id })));
  await assignRoundRobin(db, created);
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
 * Which of these messages reached a conversation a person was handling when it arrived: assigned
 * to someone or handed over, not closed, and taken (or reopened) before the message reached us.
 * Why arrival and not send time: WhatsApp stamps whole seconds, so a message written just after an
 * agent took the conversation can carry an earlier time than the take; both `handled_at` and the
 * message's `created_at` are the database clock, to the microsecond. A closed conversation reopened
 * by the message has `handled_at` after it, so the message that reopens it is not handled.
 * Returns the ids of the handled ones; auto-replies stay silent for them.
 */
export async function handledWhen(db: Db, items: { id: string; workspaceId: string; numberId: string; contactId: string; receivedAt: string }[]): Promise<Set<string>> {
  if (items.length === 0) return new Set();
  const rows = await queryRowsOf<{ id: string }>(
    db,
    sql`select x.id from unnest(${param(items.map((i) => i.id))}::uuid[], ${param(items.map((i) => i.workspaceId))}::uuid[], ${param(items.map((i) => i.numberId))}::uuid[], ${param(items.map((i) => i.contactId))}::uuid[], ${param(items.map((i) => i.receivedAt))}::timestamptz[]) as x(id, ws, num, contact, at)
        join conversations c on c.workspace_id = x.ws and c.number_id = x.num and c.contact_id = x.contact
        where (c.assignee_id is not null or c.handed_over_at is not null) and c.state <> 'closed' and c.handled_at < x.at`,
  );
  return new Set(rows.map((r) => r.id));
}
