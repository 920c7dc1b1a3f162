import { isBsuid } from '../../lib/phone/index.js';
import type { Db, Log } from '../context.js';
import { findOrCreateContactByUserId, findOrCreateContactByWaId, rememberUserId, type ContactRef } from '../contacts/index.js';
import { mergeContacts } from '../privacy/index.js';

/**
 * The contact behind an inbound WhatsApp id, in any of its number forms (Brazil's 9th digit,
 * Mexico 521, Argentina 549). When two contacts turn out to be that one person (created before
 * equivalences were known, or by a race), they are merged on the spot, in the caller's
 * transaction: a STOP must reach every history the person has.
 * `waId` is the user's address: a user who shares no phone (a username user, `from_user_id`
 * without `from`) is addressed by the business-scoped user id and resolved by it instead. A
 * `userId` that came along with a phone is remembered on that contact.
 */
export async function resolveInboundContact(db: Db, workspaceId: string, waId: string, profileName: string | undefined, now: Date, log: Log, userId?: string | null): Promise<ContactRef> {
  if (isBsuid(waId)) return findOrCreateContactByUserId(db, workspaceId, waId, profileName, now);
  const found = await findOrCreateContactByWaId(db, workspaceId, waId, profileName, now);
  if (found.duplicates.length > 0) await mergeContacts(db, workspaceId, found.id, found.duplicates, now, log);
  const { duplicates: _merged, ...contact } = found;
  if (userId && isBsuid(userId)) await rememberUserId(db, workspaceId, contact.id, userId, now);
  return contact;
}
