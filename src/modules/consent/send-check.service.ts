import { param, sql } from 'drizzle-orm';
import type { Db } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { phoneHasher, suppressedAmong } from './suppression.service.js';

/** A contact a message was queued for, and when it was queued. */
export interface QueuedFor {
  contactId: string;
  /** The number or business-scoped user id it goes to (suppression is keyed on it). */
  address: string;
  queuedAt: Date;
}

/**
 * Which of these people must no longer get a message queued on their behalf (a welcome, an opt-in
 * confirmation): their number is suppressed, or they withdrew consent after it was queued (a STOP
 * that came in while the welcome waited). The consent rule the send gate applies at send time to
 * messages that are not the answer to a STOP. Returns the contact ids to skip, with the reason.
 */
export async function refusedAtSend(db: Db, workspaceId: string, items: QueuedFor[]): Promise<Map<string, 'suppressed' | 'consent_withdrawn'>> {
  const out = new Map<string, 'suppressed' | 'consent_withdrawn'>();
  if (items.length === 0) return out;
  const hash = await phoneHasher(db, workspaceId);
  const hashes = items.map((i) => hash(i.address));
  const suppressed = await suppressedAmong(db, workspaceId, hashes);
  items.forEach((i, k) => suppressed.has(hashes[k]!) && out.set(i.contactId, 'suppressed'));
  const rest = items.filter((i) => !out.has(i.contactId));
  if (rest.length === 0) return out;
  const rows = await queryRowsOf<{ contact_id: string }>(
    db,
    sql`select distinct e.contact_id from consent_events e
        join unnest(${param(rest.map((i) => i.contactId))}::uuid[], ${param(rest.map((i) => i.queuedAt.toISOString()))}::timestamptz[]) as q(contact_id, queued_at)
          on q.contact_id = e.contact_id
        where e.workspace_id = ${workspaceId} and e.action = 'withdraw' and e.recorded_at >= q.queued_at`,
  );
  for (const r of rows) out.set(r.contact_id, 'consent_withdrawn');
  return out;
}
