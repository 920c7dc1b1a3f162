// Wake-ups between the worker's loops: a module that leaves work for another loop NOTIFYs in its
// own transaction (delivered at commit, so the woken loop sees the rows), and every process that
// runs that loop — this one, or another worker on the same PostgreSQL — pokes it at once instead
// of waiting out its poll interval (the loops still poll: a lost notification delays, never loses).
import { sql } from 'drizzle-orm';
import type { Db } from './context.js';

/** The LISTEN/NOTIFY channel of wake-ups; the payload names the loop. */
export const WAKE_CHANNEL = 'greenlist_wake';

/**
 * What a wake-up announces: bodies with messages to process (intake → processing), inbound messages
 * stored (processing → the automation engine, the inbox sync and auto-replies), and new outbox items.
 */
export type WakeTarget = 'messages' | 'inbound' | 'outbox';

/** Asks every process running `target` to look now, when the caller's transaction commits. */
export async function wake(db: Db, target: WakeTarget): Promise<void> {
  await db.execute(sql`select pg_notify(${WAKE_CHANNEL}, ${target})`);
}
