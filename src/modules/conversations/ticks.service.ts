// Delivery ticks in open threads: a scan of new status events (sent, delivered, read, failed) in
// id order after a cursor, announcing the conversations whose messages they are about (NOTIFY, like
// every inbox change). Why a scan: messaging records statuses unaware of the inbox, as it records
// inbound messages; the browser reads the thread again, so a repeated announcement is harmless.
import { sql } from 'drizzle-orm';
import type { Db, Log } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { notifyChanged } from './notify.js';

const BATCH = 5_000;
/** Identity ids are taken before commit: an event younger than this may still be joined by one with a lower id. */
const VISIBILITY_LAG = '2 seconds';

type Event = { id: string | number; settled: boolean; conversation_id: string | null; workspace_id: string };

/**
 * One pass: reads up to 5,000 status events after the cursor (migration 0021 starts it at the newest
 * event), announces the conversations of the new ones, and moves the cursor past the settled prefix.
 * Events read before but not yet settled are announced again only if one with a lower id appeared
 * since (`seen_count` grew): that is a late commit, not a repeat.
 */
export async function syncStatusTicks(deps: { db: Db; log: Log }): Promise<number> {
  return deps.db.transaction(async (tx) => {
    const [cursor] = await queryRowsOf<{ last_seq: string | number; seen_seq: string | number; seen_count: number }>(
      tx,
      sql`select last_seq, seen_seq, seen_count from conversation_cursor where name = 'statuses' for update skip locked`,
    );
    if (!cursor) return 0;
    const [lastSeq, seenSeq] = [Number(cursor.last_seq), Number(cursor.seen_seq)];
    // `messages` is the messaging module's log: read to find each event's contact and number.
    const rows = await queryRowsOf<Event>(
      tx,
      sql`select e.id, e.received_at < now() - interval '${sql.raw(VISIBILITY_LAG)}' as settled, e.workspace_id, cv.id as conversation_id
          from message_status_events e
          left join messages m on m.workspace_id = e.workspace_id and m.wamid = e.wamid and m.direction = 'out'
          left join conversations cv on cv.workspace_id = e.workspace_id and cv.number_id = m.number_id and cv.contact_id = m.contact_id
          where e.id > ${lastSeq} order by e.id limit ${BATCH}`,
    );
    if (rows.length === 0) return 0;
    const again = rows.filter((r) => Number(r.id) <= seenSeq);
    const announce = again.length > cursor.seen_count ? rows : rows.filter((r) => Number(r.id) > seenSeq);
    const changed = new Map<string, { id: string; workspace_id: string }>();
    for (const r of announce) if (r.conversation_id) changed.set(r.conversation_id, { id: r.conversation_id, workspace_id: r.workspace_id });
    await notifyChanged(tx, [...changed.values()]);
    const upTo = rows.findIndex((r) => !r.settled);
    const settled = upTo === -1 ? rows : rows.slice(0, upTo);
    const newLast = settled.length > 0 ? Number(settled[settled.length - 1]!.id) : lastSeq;
    const newSeen = Math.max(seenSeq, Number(rows[rows.length - 1]!.id));
    await tx.execute(sql`update conversation_cursor set last_seq = ${newLast}, seen_seq = ${newSeen}, seen_count = ${rows.length - settled.length}, updated_at = now() where name = 'statuses'`);
    // Only fresh events count as work: unsettled ones read again must not keep the loop busy.
    return announce.length;
  });
}
