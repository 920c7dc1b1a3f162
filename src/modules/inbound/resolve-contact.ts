import type { Db, Log } from '../context.js';
import { findOrCreateContactByWaId, type ContactRef } from '../contacts/index.js';
import { mergeContacts } from '../privacy/index.js';

/**
 * The contact behind an inbound WhatsApp id, in any of its number forms (Brazil's 9th digit,
 * Mexico 521, Argentina 549). When two contacts turn out to be that one person (created before
 * equivalences were known, or by a race), they are merged on the spot, in the caller's
 * transaction: a STOP must reach every history the person has.
 */
export async function resolveInboundContact(db: Db, workspaceId: string, waId: string, profileName: string | undefined, now: Date, log: Log): Promise<ContactRef> {
  const found = await findOrCreateContactByWaId(db, workspaceId, waId, profileName, now);
  if (found.duplicates.length > 0) await mergeContacts(db, workspaceId, found.id, found.duplicates, now, log);
  const { duplicates: _merged, ...contact } = found;
  return contact;
}
