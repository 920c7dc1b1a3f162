import { and, asc, eq, getTableColumns, inArray, or, param, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { whatsappEquivalents } from '../../lib/phone/index.js';
import { notFound } from '../../lib/errors.js';
import type { Ctx, Db } from '../context.js';
import { contacts } from './contacts.tables.js';
import type { ContactOut } from './contacts.schemas.js';
import { geoOfWaId } from './contacts.geo.js';
import { emitContactEvent } from './contact-events.js';

/** The identity fields of a contact. `phone` is null for a user known only by a BSUID. */
export interface ContactRef {
  id: string;
  phone: string | null;
  waId: string | null;
  /** The contact's language and country, when the lookup read them (they choose a reply's language). */
  language?: string | null;
  country?: string | null;
  /** The business-scoped user id, when known (always for a contact without a phone). */
  userId?: string | null;
}

/** A contact found for a WhatsApp id, with the other contacts that are the same WhatsApp user (to merge). */
export interface ResolvedContact extends ContactRef {
  /** Contacts with an equivalent number (§7.1) and no other known wa_id, oldest first; usually empty. */
  duplicates: string[];
}

/**
 * Remembers the business-scoped user id that came with a wa_id on that contact (when no other
 * contact holds it), so the person stays one contact if they later hide their number behind a
 * username. One indexed update, only for messages that carry `from_user_id` with `from`.
 */
export async function rememberUserId(db: Db, workspaceId: string, contactId: string, userId: string, now: Date): Promise<void> {
  await db.execute(sql`update contacts set user_id = ${userId}, updated_at = ${now.toISOString()}::timestamptz
    where id = ${contactId} and user_id is null
      and not exists (select 1 from contacts o where o.workspace_id = ${workspaceId} and o.user_id = ${userId})`);
}

// A person who wrote first became a contact: `contact.created` in the same transaction as the row.
async function emitFirstContact(db: Db, workspaceId: string, c: { id: string; phone: string | null; waId: string | null; language: string | null; country: string | null }, profileName: string | undefined, now: Date): Promise<void> {
  await emitContactEvent(db, workspaceId, 'contact.created', { id: c.id, phone: c.phone, wa_id: c.waId, name: null, profile_name: profileName ?? null, country: c.country, timezone: null, language: c.language, attributes: {}, tags: [] }, now);
}

/**
 * Finds or creates the contact of a business-scoped user id. Such a contact has no phone and no
 * wa_id; its country is the BSUID's prefix. Creating it records no consent, as for a phone.
 */
export async function findOrCreateContactByUserId(db: Db, workspaceId: string, userId: string, profileName: string | undefined, now: Date): Promise<ContactRef> {
  const [existing] = await db
    .select({ id: contacts.id, phone: contacts.phone, waId: contacts.waId, userId: contacts.userId, profileName: contacts.profileName, language: contacts.language, country: contacts.country })
    .from(contacts)
    .where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.userId, userId)))
    .limit(1);
  if (existing) {
    if (profileName && existing.profileName !== profileName) await db.update(contacts).set({ profileName, updatedAt: now }).where(eq(contacts.id, existing.id));
    return { id: existing.id, phone: existing.phone, waId: existing.waId, userId, language: existing.language, country: existing.country };
  }
  const [row] = await db
    .insert(contacts)
    .values({ workspaceId, phone: null, waId: null, userId, profileName: profileName ?? null, country: userId.slice(0, 2), createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: [contacts.workspaceId, contacts.userId], targetWhere: sql`${contacts.userId} is not null`, set: { updatedAt: now } })
    .returning({ id: contacts.id, phone: contacts.phone, waId: contacts.waId, userId: contacts.userId, language: contacts.language, country: contacts.country, inserted: sql<boolean>`(xmax = 0)` });
  const { inserted, ...ref } = row!;
  if (inserted) await emitFirstContact(db, workspaceId, ref, profileName, now);
  return ref;
}

/**
 * Finds the contact a WhatsApp user id belongs to, creating it when the person writes first.
 * The id may be another form of a contact's number (Brazil without the mobile 9th digit, Mexico
 * 521, Argentina 549: docs/whatsapp-cloud-api.md §7.1), so every equivalent form is looked up;
 * an exact wa_id, then an exact phone, wins. A contact whose known wa_id is a different WhatsApp
 * id is a different person and is never matched by equivalence. When several contacts are the
 * same person the oldest is returned and the others are listed in `duplicates` for the caller to
 * merge (the merge lives with erasure, in the privacy module, as it rewrites the ledger).
 * Creating a contact records no consent: writing to a business is not agreeing to marketing.
 */
export async function findOrCreateContactByWaId(db: Db, workspaceId: string, waId: string, profileName: string | undefined, now: Date): Promise<ResolvedContact> {
  const phone = `+${waId}`;
  const forms = whatsappEquivalents(phone);
  const found = await db
    .select({ id: contacts.id, phone: contacts.phone, waId: contacts.waId, profileName: contacts.profileName, language: contacts.language, country: contacts.country })
    .from(contacts)
    .where(
      and(
        eq(contacts.workspaceId, workspaceId),
        or(inArray(contacts.waId, forms.map((f) => f.slice(1))), inArray(contacts.phone, forms)),
      ),
    )
    .orderBy(asc(contacts.createdAt), asc(contacts.id));
  const exact = found.find((c) => c.waId === waId) ?? found.find((c) => c.phone === phone);
  // Same person: the exact match, and equivalent contacts whose wa_id is unknown or this one.
  const same = found.filter((c) => c === exact || c.waId === null || c.waId === waId);
  const existing = same[0];
  if (existing) {
    if (existing.waId !== waId || (profileName && existing.profileName !== profileName)) {
      await db.update(contacts).set({ waId, ...(profileName ? { profileName } : {}), updatedAt: now }).where(eq(contacts.id, existing.id));
    }
    return { id: existing.id, phone: existing.phone, waId, language: existing.language, country: existing.country, duplicates: same.filter((c) => c !== existing).map((c) => c.id) };
  }
  const [row] = await db
    .insert(contacts)
    .values({ workspaceId, phone, waId, profileName: profileName ?? null, ...geoOfWaId(waId), createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: [contacts.workspaceId, contacts.phone], set: { waId, updatedAt: now } })
    .returning({ id: contacts.id, phone: contacts.phone, waId: contacts.waId, language: contacts.language, country: contacts.country, inserted: sql<boolean>`(xmax = 0)` });
  const { inserted, ...ref } = row!;
  if (inserted) await emitFirstContact(db, workspaceId, ref, profileName, now);
  return { ...ref, duplicates: [] };
}

/** Sets one text attribute on a contact (merged into `attributes`; the others stay). */
export async function setContactAttribute(db: Db, workspaceId: string, contactId: string, key: string, value: string, now: Date): Promise<void> {
  await db
    .update(contacts)
    .set({ attributes: sql`${contacts.attributes} || jsonb_build_object(${key}::text, ${value}::text)`, updatedAt: now })
    .where(and(eq(contacts.id, contactId), eq(contacts.workspaceId, workspaceId)));
}

/**
 * Binds the wa_id Meta returned for a send (`contacts[].wa_id`) to the contacts it was sent to,
 * set-based, writing only rows where it differs: later inbound messages from that id then find
 * the contact directly.
 */
export async function bindWaIds(db: Db, workspaceId: string, items: { contactId: string; waId: string }[]): Promise<void> {
  if (items.length === 0) return;
  await db.execute(sql`update contacts c set wa_id = x.wa_id
                       from unnest(${param(items.map((i) => i.contactId))}::uuid[], ${param(items.map((i) => i.waId))}::text[]) as x(id, wa_id)
                       where c.id = x.id and c.workspace_id = ${workspaceId} and c.wa_id is distinct from x.wa_id`);
}

/** Contacts of the workspace whose number is another form of `e164` (§7.1), excluding `e164` itself. */
export async function findEquivalentContacts(db: Db, workspaceId: string, e164: string): Promise<{ id: string; phone: string }[]> {
  const others = whatsappEquivalents(e164).filter((f) => f !== e164);
  if (others.length === 0) return [];
  const rows = await db.select({ id: contacts.id, phone: contacts.phone }).from(contacts).where(and(eq(contacts.workspaceId, workspaceId), inArray(contacts.phone, others)));
  return rows.filter((r): r is { id: string; phone: string } => r.phone !== null);
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

/** A contact row with its lifecycle stage, which the lifecycle module keeps in its own table. */
export type ContactRow = typeof contacts.$inferSelect & { lifecycleStage: string };

/**
 * The lifecycle stage of the contact whose id is `id`, for a select list: read from
 * `contact_lifecycle` (written only by the lifecycle module); a contact without a row there is 'new'.
 */
export function stageOf(id: SQL | AnyColumn): SQL<string> {
  return sql<string>`coalesce((select cl.stage from contact_lifecycle cl where cl.contact_id = ${id}), 'new')`;
}

/** Every contact column plus `lifecycleStage`, for select() and returning(). */
export function contactColumns() {
  return { ...getTableColumns(contacts), lifecycleStage: stageOf(contacts.id) };
}

/** Maps a contact row (with its stage) to the API shape. */
export function toContactOut(r: ContactRow): ContactOut {
  return {
    id: r.id,
    phone: r.phone,
    wa_id: r.waId,
    user_id: r.userId,
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
  const [row] = await ctx.db.select(contactColumns()).from(contacts).where(and(eq(contacts.id, id), eq(contacts.workspaceId, ctx.workspaceId)));
  if (!row) throw notFound('contact', id);
  return toContactOut(row);
}

/** Many contacts of the workspace at once, by id (ids of other workspaces or erased contacts are absent from the map). */
export async function getContacts(ctx: Ctx, ids: string[]): Promise<Map<string, ContactOut>> {
  if (ids.length === 0) return new Map();
  const rows = await ctx.db.select(contactColumns()).from(contacts).where(and(eq(contacts.workspaceId, ctx.workspaceId), sql`${contacts.id} = any(${param(ids)}::uuid[])`));
  return new Map(rows.map((r) => [r.id, toContactOut(r)]));
}

/**
 * Many contacts' ids by phone at once (each in any of its equivalent WhatsApp forms, §7.1), in the
 * order given: null where no contact has that number. One statement for the whole list.
 */
export async function findContactIdsByPhones(ctx: Ctx, phones: string[]): Promise<(string | null)[]> {
  if (phones.length === 0) return [];
  const formsOf = phones.map((p) => whatsappEquivalents(p));
  const all = [...new Set(formsOf.flat())];
  const rows = await ctx.db
    .select({ id: contacts.id, phone: contacts.phone, waId: contacts.waId, createdAt: contacts.createdAt })
    .from(contacts)
    .where(and(eq(contacts.workspaceId, ctx.workspaceId), or(sql`${contacts.phone} = any(${param(all)}::text[])`, sql`${contacts.waId} = any(${param(all.map((f) => f.slice(1)))}::text[])`)))
    .orderBy(asc(contacts.createdAt));
  return phones.map((phone, i) => {
    const forms = new Set(formsOf[i]);
    const hits = rows.filter((r) => (r.phone !== null && forms.has(r.phone)) || (r.waId !== null && forms.has(`+${r.waId}`)));
    // As findContactByPhone: the contact stored under this very number first, else the oldest.
    return (hits.find((r) => r.phone === phone) ?? hits[0])?.id ?? null;
  });
}

/** Looks a contact up by E.164 phone (or by the WhatsApp id behind it, in any of its equivalent forms, §7.1). */
export async function findContactByPhone(ctx: Ctx, phone: string): Promise<ContactOut | undefined> {
  const forms = whatsappEquivalents(phone);
  const [row] = await ctx.db
    .select(contactColumns())
    .from(contacts)
    .where(and(eq(contacts.workspaceId, ctx.workspaceId), or(inArray(contacts.phone, forms), inArray(contacts.waId, forms.map((f) => f.slice(1))))))
    .orderBy(sql`(${contacts.phone} = ${phone}) desc`, asc(contacts.createdAt))
    .limit(1);
  return row ? toContactOut(row) : undefined;
}
