import { createHmac, randomBytes } from 'node:crypto';
import { and, eq, param, sql } from 'drizzle-orm';
import { canonicalPhone, isBsuid } from '../../lib/phone/index.js';
import type { Db } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { suppressions, workspaceKeys } from './consent.tables.js';

// The key never changes once created, so caching it is safe in any number of processes.
const keyCache = new Map<string, Buffer>();

/** The workspace's suppression key, created on first use. */
export async function suppressionKeyFor(db: Db, workspaceId: string): Promise<Buffer> {
  const cached = keyCache.get(workspaceId);
  if (cached) return cached;
  let [row] = await db.select({ key: workspaceKeys.suppressionKey }).from(workspaceKeys).where(eq(workspaceKeys.workspaceId, workspaceId));
  if (!row) {
    await db.insert(workspaceKeys).values({ workspaceId, suppressionKey: randomBytes(32) }).onConflictDoNothing();
    [row] = await db.select({ key: workspaceKeys.suppressionKey }).from(workspaceKeys).where(eq(workspaceKeys.workspaceId, workspaceId));
  }
  const key = Buffer.from(row!.key);
  keyCache.set(workspaceId, key);
  return key;
}

/**
 * HMAC-SHA256 of an E.164 number under a workspace key, hex. The number is hashed in its
 * canonical WhatsApp form (lib/phone `canonicalPhone`), so +551144445555 and +5511944445555 (one
 * WhatsApp user) share one suppression entry; numbers outside BR/MX/AR hash as they are.
 */
export function hashPhoneWith(key: Buffer, e164: string): string {
  // A business-scoped user id (a contact without a phone, suppressionSubject) is hashed as it is.
  return hashExactPhoneWith(key, isBsuid(e164) ? e164 : canonicalPhone(e164));
}

/** The hash of the number exactly as written: what entries stored before canonical hashing used (merge repairs them). */
export function hashExactPhoneWith(key: Buffer, e164: string): string {
  return createHmac('sha256', key).update(e164).digest('hex');
}

/**
 * What a contact's suppression entry is a hash of: the E.164 phone, or for a person known only by a
 * business-scoped user id, that BSUID (it cannot collide with a number: it starts with letters).
 */
export function suppressionSubject(c: { phone: string | null; userId?: string | null; user_id?: string | null }): string {
  const subject = c.phone ?? c.userId ?? c.user_id;
  if (!subject) throw new Error('a contact has a phone or a business-scoped user id');
  return subject;
}

/** A hasher bound to a workspace's key. */
export async function phoneHasher(db: Db, workspaceId: string): Promise<(e164: string) => string> {
  const key = await suppressionKeyFor(db, workspaceId);
  return (e164) => hashPhoneWith(key, e164);
}

/** Adds numbers (as hashes) to the suppression list; returns the hashes that were not there before. */
export async function addSuppressions(db: Db, workspaceId: string, hashes: string[], reason: string, source: string, now: Date): Promise<string[]> {
  if (hashes.length === 0) return [];
  const rows = await queryRowsOf<{ phone_hash: string }>(
    db,
    sql`insert into suppressions (workspace_id, phone_hash, reason, source, created_at)
        select ${workspaceId}, h, ${reason}, ${source}, ${now.toISOString()}::timestamptz from unnest(${param(hashes)}::text[]) as h
        on conflict do nothing returning phone_hash`,
  );
  return rows.map((r) => r.phone_hash);
}

/** Removes a number from the suppression list: only when the person opts in again themselves. */
export async function removeSuppression(db: Db, workspaceId: string, hash: string): Promise<boolean> {
  const rows = await db.delete(suppressions).where(and(eq(suppressions.workspaceId, workspaceId), eq(suppressions.phoneHash, hash))).returning({ h: suppressions.phoneHash });
  return rows.length > 0;
}

/** Which of these hashes are suppressed. */
export async function suppressedAmong(db: Db, workspaceId: string, hashes: string[]): Promise<Set<string>> {
  if (hashes.length === 0) return new Set();
  const rows = await db.select({ h: suppressions.phoneHash }).from(suppressions).where(and(eq(suppressions.workspaceId, workspaceId), sql`${suppressions.phoneHash} = any(${param(hashes)}::text[])`));
  return new Set(rows.map((r) => r.h));
}

/**
 * Copies suppression entries from one hash to another (reason, source and date kept), set-based:
 * used when a number's hash changes form (contacts merged, legacy non-canonical hashes). Returns
 * how many entries were added.
 */
export async function carrySuppressions(db: Db, workspaceId: string, pairs: { from: string; to: string }[]): Promise<number> {
  const moves = pairs.filter((p) => p.from !== p.to);
  if (moves.length === 0) return 0;
  const rows = await queryRowsOf<{ phone_hash: string }>(
    db,
    sql`insert into suppressions (workspace_id, phone_hash, reason, source, created_at)
        select distinct on (x.t) s.workspace_id, x.t, s.reason, s.source, s.created_at
        from unnest(${param(moves.map((p) => p.from))}::text[], ${param(moves.map((p) => p.to))}::text[]) as x(f, t)
        join suppressions s on s.workspace_id = ${workspaceId} and s.phone_hash = x.f
        order by x.t, s.created_at
        on conflict do nothing returning phone_hash`,
  );
  return rows.length;
}
