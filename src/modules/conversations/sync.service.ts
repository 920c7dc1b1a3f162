// Keeps conversations current from the message log: a set-based scan of new inbound messages (in
// (created_at, id) order after a cursor) that opens, reopens and bumps conversations, then tells
// listening API processes (NOTIFY) which ones changed.
import { param, sql } from 'drizzle-orm';
import type { Db, Log } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { previewOf } from './conversations.rules.js';
import { notifyChanged } from './notify.js';
import { assignRoundRobin } from './routing.service.js';
import { syncStatusTicks } from './ticks.service.js';
import { OPENING_COLUMNS } from './figures.sql.js';
import { markContactsInInbox } from '../contacts/index.js';


const BATCH = 5_000;
/**
 * Why a lag: messages get their creation time before they commit, so one with an earlier time can
 * become visible after a later one was read. Rows younger than this are read again on the next
 * pass instead of being passed for good; the upsert is idempotent, so reading twice is harmless.
 */
const VISIBILITY_LAG = '2 seconds';

type Inbound = { id: string; workspace_id: string; number_id: string; contact_id: string; type: string; body: string | null; wamid: string | null; sent_at: string | Date; created_at: string | Date; at_key: string; settled: boolean };

/**
 * One pass of the worker's inbox loop: new inbound messages into conversations, then new delivery
 * statuses announced to open threads; returns how many rows it read (0: idle).
 */
export async function syncConversations(deps: { db: Db; log: Log }): Promise<number> {
  return (await syncInbound(deps)) + (await syncStatusTicks(deps));
}

/** Reads up to 5,000 new inbound messages and upserts their conversations (the cursor row is created by migration 0019). */
async function syncInbound(deps: { db: Db; log: Log }): Promise<number> {
  return deps.db.transaction(async (tx) => {
    const [cursor] = await queryRowsOf<{ last_at: string; last_key: string }>(tx, sql`select last_at::text as last_at, last_key from conversation_cursor where name = 'inbound' for update skip locked`);
    if (!cursor) return 0;
    const rows = await queryRowsOf<Inbound>(
      tx,
      sql`select m.id, m.workspace_id, m.number_id, m.contact_id, m.type, m.body, m.wamid, m.sent_at, m.created_at, m.created_at::text as at_key, m.created_at < now() - interval '${sql.raw(VISIBILITY_LAG)}' as settled
          from messages m
          where m.direction = 'in' and m.contact_id is not null and m.number_id is not null and (m.created_at, m.id) > (${cursor.last_at}::timestamptz, ${cursor.last_key}::uuid)
          order by m.created_at, m.id limit ${BATCH}`,
    );
    if (rows.length === 0) return 0;
    await upsertConversations(tx, latestPerConversation(rows));
    const upTo = rows.findIndex((r) => !r.settled);
    const last = upTo === -1 ? rows[rows.length - 1] : rows[upTo - 1];
    if (last) await tx.execute(sql`update conversation_cursor set last_at = ${last.at_key}::timestamptz, last_key = ${last.id}, updated_at = now() where name = 'inbound'`);
    return rows.length;
  });
}

type Latest = Inbound & { first_at: string | Date };

/** Each conversation's newest message of the batch (by the person's send time), with the send time of its first. */
function latestPerConversation(rows: Inbound[]): Latest[] {
  const latest = new Map<string, Latest>();
  for (const r of rows) {
    const key = `${r.number_id}:${r.contact_id}`;
    const seen = latest.get(key);
    const first = seen && new Date(seen.first_at) < new Date(r.sent_at) ? seen.first_at : r.sent_at;
    latest.set(key, !seen || new Date(r.sent_at) >= new Date(seen.sent_at) ? { ...r, first_at: first } : { ...seen, first_at: first });
  }
  return [...latest.values()];
}

/**
 * One upsert for the batch. Every column only moves forward (greatest times; the preview and wamid
 * of the newest message), and a pending or closed conversation reopens only for a message sent
 * after its state changed, so a message read twice changes nothing.
 */
async function upsertConversations(tx: Db, rows: Latest[]): Promise<void> {
  const col = <T>(f: (r: Latest) => T) => param(rows.map(f));
  const changed = await queryRowsOf<{ id: string; workspace_id: string; contact_id: string; created: boolean }>(
    tx,
    sql`insert into conversations as c (workspace_id, number_id, contact_id, state, last_message_at, last_inbound_at, last_inbound_wamid, preview, state_at, opened_at, first_inbound_at)
        select x.ws, x.num, x.contact, 'open', x.at, x.at, x.wamid, x.preview, x.at, x.first, x.first
        from unnest(${col((r) => r.workspace_id)}::uuid[], ${col((r) => r.number_id)}::uuid[], ${col((r) => r.contact_id)}::uuid[], ${col((r) => new Date(r.sent_at).toISOString())}::timestamptz[],
                    ${col((r) => r.wamid)}::text[], ${col((r) => previewOf(r.type, r.body))}::text[], ${col((r) => new Date(r.first_at).toISOString())}::timestamptz[]) as x(ws, num, contact, at, wamid, preview, first)
        on conflict (number_id, contact_id) do update set
          ${OPENING_COLUMNS},
          preview = case when excluded.last_inbound_at >= c.last_message_at then excluded.preview else c.preview end,
          last_inbound_wamid = case when excluded.last_inbound_at >= coalesce(c.last_inbound_at, '-infinity') then excluded.last_inbound_wamid else c.last_inbound_wamid end,
          last_message_at = greatest(c.last_message_at, excluded.last_message_at),
          last_inbound_at = greatest(c.last_inbound_at, excluded.last_inbound_at),
          state = case when c.state <> 'open' and excluded.last_inbound_at > c.state_at then 'open' else c.state end,
          state_at = case when c.state <> 'open' and excluded.last_inbound_at > c.state_at then excluded.last_inbound_at else c.state_at end,
          handled_at = case when c.state <> 'open' and excluded.last_inbound_at > c.state_at then clock_timestamp() else c.handled_at end,
          updated_at = now()
        -- Only a real change is written (and announced): a message read again changes nothing.
        where excluded.last_inbound_at > coalesce(c.last_inbound_at, '-infinity') or (c.state <> 'open' and excluded.last_inbound_at > c.state_at)
           or (excluded.last_inbound_at >= c.last_message_at and c.preview is distinct from excluded.preview)
        returning c.id, c.workspace_id, c.contact_id, (c.xmax = 0) as created`,
  );
  // Only conversations this statement created (xmax = 0: inserted, not updated) are handed out.
  const created = changed.filter((c) => c.created);
  await markContactsInInbox(tx, created.map((c) => ({ workspaceId: c.workspace_id, contactId: c.contact_id })));
  await assignRoundRobin(tx, created);
  await notifyChanged(tx, changed);
}
