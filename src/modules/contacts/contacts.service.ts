import { and, eq, or, sql } from 'drizzle-orm';
import { notFound } from '../../lib/errors.js';
import type { Ctx, Db } from '../context.js';
import { contacts } from './contacts.tables.js';
import type { ContactOut } from './contacts.schemas.js';
import { geoOfWaId } from './contacts.geo.js';

/** The identity fields of a contact. */
export interface ContactRef {
  id: string;
  phone: string;
  waId: string | null;
}

/**
 * Finds the contact a WhatsApp user id belongs to, creating it when the person writes first.
 * Creating a contact records no consent: writing to a business is not agreeing to marketing.
 */
export async function findOrCreateContactByWaId(db: Db, workspaceId: string, waId: string, profileName: string | undefined, now: Date): Promise<ContactRef> {
  const phone = `+${waId}`;
  const [existing] = await db
    .select({ id: contacts.id, phone: contacts.phone, waId: contacts.waId, profileName: contacts.profileName })
    .from(contacts)
    .where(and(eq(contacts.workspaceId, workspaceId), or(eq(contacts.waId, waId), eq(contacts.phone, phone))))
    .orderBy(sql`(${contacts.waId} = ${waId}) desc nulls last`)
    .limit(1);
  if (existing) {
    if (existing.waId !== waId || (profileName && existing.profileName !== profileName)) {
      await db.update(contacts).set({ waId, ...(profileName ? { profileName } : {}), updatedAt: now }).where(eq(contacts.id, existing.id));
    }
    return { id: existing.id, phone: existing.phone, waId };
  }
  const [row] = await db
    .insert(contacts)
    .values({ workspaceId, phone, waId, profileName: profileName ?? null, ...geoOfWaId(waId), createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: [contacts.workspaceId, contacts.phone], set: { waId, updatedAt: now } })
    .returning({ id: contacts.id, phone: contacts.phone, waId: contacts.waId });
  return row!;
}

/** Follows a `user_changed_number` system message: the contact keeps its history under the new number. */
export async function moveContactNumber(db: Db, workspaceId: string, oldWaId: string, newWaId: string, now: Date): Promise<string | undefined> {
  const [target] = await db.select({ id: contacts.id }).from(contacts).where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.phone, `+${newWaId}`)));
  const [row] = await db
    .update(contacts)
    .set({ waId: newWaId, ...(target ? {} : { phone: `+${newWaId}`, ...geoOfWaId(newWaId) }), updatedAt: now })
    .where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.waId, oldWaId)))
    .returning({ id: contacts.id });
  return row?.id;
}

/** Confirms a contact exists in the caller's workspace (404 otherwise). */
export async function assertContact(ctx: Ctx, id: string): Promise<void> {
  const [row] = await ctx.db.select({ id: contacts.id }).from(contacts).where(and(eq(contacts.id, id), eq(contacts.workspaceId, ctx.workspaceId)));
  if (!row) throw notFound('contact', id);
}

/** Maps a contact row to the API shape. */
export function toContactOut(r: typeof contacts.$inferSelect): ContactOut {
  return {
    id: r.id,
    phone: r.phone,
    wa_id: r.waId,
    name: r.name,
    profile_name: r.profileName,
    country: r.country,
    timezone: r.timezone,
    timezone_source: r.timezoneSource,
    language: r.language,
    attributes: r.attributes,
    tags: r.tags,
    notes: r.notes,
    lifecycle_stage: r.lifecycleStage,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

/** One contact of the workspace. */
export async function getContact(ctx: Ctx, id: string): Promise<ContactOut> {
  const [row] = await ctx.db.select().from(contacts).where(and(eq(contacts.id, id), eq(contacts.workspaceId, ctx.workspaceId)));
  if (!row) throw notFound('contact', id);
  return toContactOut(row);
}

/** Looks a contact up by E.164 phone (or by the WhatsApp id behind it). */
export async function findContactByPhone(ctx: Ctx, phone: string): Promise<ContactOut | undefined> {
  const digits = phone.replace(/^\+/, '');
  const [row] = await ctx.db
    .select()
    .from(contacts)
    .where(and(eq(contacts.workspaceId, ctx.workspaceId), or(eq(contacts.phone, phone), eq(contacts.waId, digits))))
    .orderBy(sql`(${contacts.phone} = ${phone}) desc`)
    .limit(1);
  return row ? toContactOut(row) : undefined;
}
