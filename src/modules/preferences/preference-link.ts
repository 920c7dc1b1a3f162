// Signed, expiring per-contact links to the hosted preference page: `<public url>/preferences/<token>`.
// The token names the workspace and contact and when it expires, signed with an HMAC key derived
// from the workspace's stored secret (as the hosted opt-in form's tokens are), so every process —
// the worker that answers the keyword, the api that serves the page — signs and checks the same
// tokens without sharing memory, and nothing is stored per link.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { suppressionKeyFor } from '../consent/index.js';
import type { Db } from '../context.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
let publicBase = 'http://127.0.0.1:8080';

/**
 * Sets where people reach this instance (GREENLIST_PUBLIC_URL): called once by the composition
 * root of every process, since the worker that answers the keyword builds links too.
 */
export function configurePreferenceLinks(publicUrl: string): void {
  publicBase = publicUrl.replace(/\/+$/, '');
}

async function linkKey(db: Db, workspaceId: string): Promise<Buffer> {
  return createHmac('sha256', await suppressionKeyFor(db, workspaceId)).update('greenlist/preference-link/v1').digest();
}

const uuidBytes = (id: string) => Buffer.from(id.replace(/-/g, ''), 'hex');
const uuidOf = (b: Buffer) => {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};
const signatureOf = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest('base64url').slice(0, 22);

/** The token of one contact's link, valid until `expiresAt` (whole seconds). */
export async function preferenceToken(db: Db, workspaceId: string, contactId: string, expiresAt: Date): Promise<string> {
  const payload = `${Buffer.concat([uuidBytes(workspaceId), uuidBytes(contactId)]).toString('base64url')}.${Math.floor(expiresAt.getTime() / 1000).toString(36)}`;
  return `${payload}.${signatureOf(await linkKey(db, workspaceId), payload)}`;
}

/** The page URL of one contact's link. */
export async function preferenceLink(db: Db, workspaceId: string, contactId: string, expiresAt: Date): Promise<string> {
  return `${publicBase}/preferences/${await preferenceToken(db, workspaceId, contactId, expiresAt)}`;
}

/** A checked token: who it is for, and the id recorded as evidence (a hash of the token, not the token). */
export interface PreferenceLinkClaim {
  workspaceId: string;
  contactId: string;
  expiresAt: Date;
  linkId: string;
}

/**
 * Checks a token: `invalid` when it was not made by us (tampered, truncated, another workspace's
 * key), `expired` when it was but its time has passed. Constant-time comparison of the signature.
 */
export async function checkPreferenceToken(db: Db, token: string, now: Date): Promise<{ ok: true; claim: PreferenceLinkClaim } | { ok: false; reason: 'invalid' | 'expired' }> {
  const m = /^([A-Za-z0-9_-]{43})\.([0-9a-z]{1,10})\.([A-Za-z0-9_-]{22})$/.exec(token);
  if (!m) return { ok: false, reason: 'invalid' };
  const ids = Buffer.from(m[1]!, 'base64url');
  if (ids.length !== 32) return { ok: false, reason: 'invalid' };
  const workspaceId = uuidOf(ids.subarray(0, 16));
  const contactId = uuidOf(ids.subarray(16));
  if (!UUID.test(workspaceId) || !UUID.test(contactId)) return { ok: false, reason: 'invalid' };
  let key: Buffer;
  try {
    key = await linkKey(db, workspaceId);
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  const expected = Buffer.from(signatureOf(key, `${m[1]}.${m[2]}`));
  const given = Buffer.from(m[3]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'invalid' };
  const expiresAt = new Date(parseInt(m[2]!, 36) * 1000);
  if (expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, claim: { workspaceId, contactId, expiresAt, linkId: createHash('sha256').update(token).digest('hex').slice(0, 24) } };
}
