import { and, desc, eq, gte, ilike, lte, or, param, sql, type SQL } from 'drizzle-orm';
import { AppError, notFound } from '../../lib/errors.js';
import { decodeCursor, toPage, type Page } from '../../lib/pagination.js';
import { isTimeZone, parsePhone } from '../../lib/phone/index.js';
import { recordAudit } from '../audit/index.js';
import { consentStatusByTopicKey } from '../consent/index.js';
import type { Ctx } from '../context.js';
import { olderThan } from '../sql.js';
import { getWorkspaceSettings } from '../workspaces/index.js';
import { validateAttributes } from './attributes.service.js';
import { emitContactEvent } from './contact-events.js';
import { bulkTagIn, contactFilter, createContactIn, updateContactIn, type ContactFilter, type ContactOut } from './contacts.schemas.js';
import { contactColumns, findEquivalentContacts, toContactOut } from './contacts.service.js';
import { contacts } from './contacts.tables.js';

async function defaultCountry(ctx: Ctx): Promise<string | undefined> {
  return (await getWorkspaceSettings(ctx.db, ctx.workspaceId)).default_country ?? undefined;
}

function checkZone(zone: string | null | undefined): void {
  if (zone && !isTimeZone(zone)) throw new AppError('VALIDATION_FAILED', `timezone: "${zone}" is not an IANA time zone; use a name such as "Europe/Berlin"`, { fields: [{ field: 'timezone', message: 'unknown time zone' }] });
}

function uniqueTags(tags: string[]): string[] {
  return [...new Set(tags.map((t) => t.trim()))];
}

async function phoneTaken(ctx: Ctx, phone: string): Promise<never> {
  const [other] = await ctx.db.select({ id: contacts.id }).from(contacts).where(and(eq(contacts.workspaceId, ctx.workspaceId), eq(contacts.phone, phone)));
  throw new AppError('CONTACT_PHONE_TAKEN', 'another contact already has this phone number; update that contact instead', { field: 'phone', contact_id: other?.id ?? null });
}

/** Creates a contact. The phone is parsed strictly; country and time zone come from it unless given. */
export async function createContact(ctx: Ctx, input: unknown): Promise<ContactOut> {
  const data = createContactIn.parse(input);
  const phone = parsePhone(data.phone, await defaultCountry(ctx));
  checkZone(data.timezone);
  // +551144445555 and +5511944445555 are one WhatsApp user (§7.1): a second contact would split their consent.
  const [twin] = await findEquivalentContacts(ctx.db, ctx.workspaceId, phone.e164);
  if (twin) throw new AppError('CONTACT_PHONE_TAKEN', `another contact already has this number in its WhatsApp form ${twin.phone}; update that contact instead`, { field: 'phone', contact_id: twin.id });
  const attributes = data.attributes ? stripNulls(await validateAttributes(ctx.db, ctx.workspaceId, data.attributes)) : {};
  const [row] = await ctx.db
    .insert(contacts)
    .values({
      workspaceId: ctx.workspaceId,
      phone: phone.e164,
      name: data.name ?? null,
      country: phone.country,
      timezone: data.timezone ?? phone.timezone,
      timezoneSource: data.timezone ? 'explicit' : phone.timezone ? 'number' : null,
      language: data.language ?? null,
      attributes,
      tags: uniqueTags(data.tags ?? []),
      notes: data.notes ?? null,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    })
    .onConflictDoNothing()
    .returning();
  if (!row) return phoneTaken(ctx, phone.e164);
  await recordAudit(ctx, { action: 'contact.created', targetType: 'contact', targetId: row.id, details: { country: row.country } });
  // A new contact has no lifecycle row yet: it is 'new'.
  const out = toContactOut({ ...row, lifecycleStage: 'new' });
  await emitContactEvent(ctx.db, ctx.workspaceId, 'contact.created', out, ctx.now);
  return out;
}

function stripNulls(attrs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(attrs).filter(([, v]) => v !== null));
}

/** Changes a contact: attributes merge (null removes a key), tags replace, a new phone re-derives country and zone. */
export async function updateContact(ctx: Ctx, id: string, input: unknown): Promise<ContactOut> {
  const data = updateContactIn.parse(input);
  const [current] = await ctx.db.select().from(contacts).where(and(eq(contacts.id, id), eq(contacts.workspaceId, ctx.workspaceId)));
  if (!current) throw notFound('contact', id);
  checkZone(data.timezone);
  const set: Partial<typeof contacts.$inferInsert> = { updatedAt: ctx.now };
  if (data.phone !== undefined) {
    const phone = parsePhone(data.phone, await defaultCountry(ctx));
    if (phone.e164 !== current.phone) {
      const twin = (await findEquivalentContacts(ctx.db, ctx.workspaceId, phone.e164)).find((c) => c.id !== id);
      if (twin) throw new AppError('CONTACT_PHONE_TAKEN', `another contact already has this number in its WhatsApp form ${twin.phone}; update that contact instead`, { field: 'phone', contact_id: twin.id });
      Object.assign(set, { phone: phone.e164, country: phone.country, waId: null });
      if (current.timezoneSource !== 'explicit' && data.timezone === undefined) Object.assign(set, { timezone: phone.timezone, timezoneSource: phone.timezone ? 'number' : null });
    }
  }
  if (data.name !== undefined) set.name = data.name;
  if (data.language !== undefined) set.language = data.language;
  if (data.notes !== undefined) set.notes = data.notes;
  if (data.timezone !== undefined) Object.assign(set, { timezone: data.timezone, timezoneSource: data.timezone ? 'explicit' : null });
  if (data.tags !== undefined) set.tags = uniqueTags(data.tags);
  if (data.attributes !== undefined) {
    const attrs = await validateAttributes(ctx.db, ctx.workspaceId, data.attributes);
    const merged: Record<string, unknown> = { ...current.attributes };
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null) delete merged[k];
      else merged[k] = v;
    }
    set.attributes = merged;
  }
  let row;
  try {
    [row] = await ctx.db.update(contacts).set(set).where(and(eq(contacts.id, id), eq(contacts.workspaceId, ctx.workspaceId))).returning(contactColumns());
  } catch (err) {
    // Drizzle wraps the driver's error, so the unique violation's code is on `cause`.
    const e = err as { code?: string; cause?: { code?: string } };
    if ((e.code ?? e.cause?.code) === '23505' && set.phone) return phoneTaken(ctx, set.phone);
    throw err;
  }
  await recordAudit(ctx, { action: 'contact.updated', targetType: 'contact', targetId: id, details: { fields: Object.keys(data) } });
  const out = toContactOut(row!);
  await emitContactEvent(ctx.db, ctx.workspaceId, 'contact.updated', out, ctx.now, Object.keys(data));
  return out;
}

/** SQL conditions for a contact filter (always scoped to the workspace). */
export function filterConditions(workspaceId: string, f: ContactFilter): SQL {
  const conds: (SQL | undefined)[] = [eq(contacts.workspaceId, workspaceId)];
  if (f.q) {
    const q = f.q.replace(/[%_\\]/g, (c) => `\\${c}`);
    const digits = f.q.replace(/[^\d+]/g, '');
    conds.push(or(ilike(contacts.name, `${q}%`), ilike(contacts.profileName, `${q}%`), digits.replace('+', '').length >= 3 ? sql`${contacts.phone} like ${`${digits.startsWith('+') ? digits : `%${digits}`}%`}` : undefined));
  }
  if (f.tag) conds.push(sql`${contacts.tags} @> array[${f.tag}]::text[]`);
  if (f.country) conds.push(eq(contacts.country, f.country.toUpperCase()));
  if (f.language) conds.push(eq(contacts.language, f.language));
  if (f.created_after) conds.push(gte(contacts.createdAt, new Date(f.created_after)));
  if (f.created_before) conds.push(lte(contacts.createdAt, new Date(f.created_before)));
  if (f.attribute) {
    const at = f.attribute.indexOf('=');
    if (at < 1) throw new AppError('VALIDATION_FAILED', 'attribute: use key=value, e.g. city=Lisbon', { fields: [{ field: 'attribute', message: 'expected key=value' }] });
    conds.push(sql`${contacts.attributes} @> ${JSON.stringify({ [f.attribute.slice(0, at)]: f.attribute.slice(at + 1) })}::jsonb`);
  }
  if (f.topic || f.consent) {
    if (!f.topic || !f.consent) throw new AppError('VALIDATION_FAILED', 'topic and consent go together, e.g. topic=offers&consent=granted', { fields: [{ field: f.topic ? 'consent' : 'topic', message: 'required with the other' }] });
    const state = consentStatusByTopicKey(contacts.id, workspaceId, f.topic);
    conds.push(f.consent === 'none' ? sql`${state} is null` : sql`${state} = ${f.consent}`);
  }
  return and(...conds)!;
}

/** Lists contacts, newest first, with filters; keyset-paged. */
export async function listContacts(ctx: Ctx, q: ContactFilter & { limit: number; cursor?: string }): Promise<Page<ContactOut>> {
  const { limit, cursor, ...rest } = q;
  const f = contactFilter.parse(rest);
  const after = decodeCursor(cursor, { t: 'time', id: 'uuid' });
  const rows = await ctx.db
    .select(contactColumns())
    .from(contacts)
    .where(and(filterConditions(ctx.workspaceId, f), olderThan(contacts.createdAt, contacts.id, after)))
    .orderBy(desc(contacts.createdAt), desc(contacts.id))
    .limit(limit + 1);
  return toPage(rows, limit, toContactOut, (r) => ({ t: r.createdAt.toISOString(), id: r.id }));
}

/** Adds and removes tags on the given contacts (or those matching a filter) in one statement. */
export async function bulkTag(ctx: Ctx, input: unknown): Promise<{ updated: number }> {
  const data = bulkTagIn.parse(input);
  const target = data.contact_ids ? and(eq(contacts.workspaceId, ctx.workspaceId), sql`${contacts.id} = any(${param(data.contact_ids)}::uuid[])`) : filterConditions(ctx.workspaceId, data.filter!);
  const add = uniqueTags(data.add);
  const remove = uniqueTags(data.remove);
  const rows = await ctx.db
    .update(contacts)
    .set({
      tags: sql`array(select distinct t from unnest(array_cat(${contacts.tags}, ${param(add)}::text[])) as t where t <> all(${param(remove)}::text[]) order by t)`,
      updatedAt: ctx.now,
    })
    .where(target)
    .returning({ id: contacts.id });
  await recordAudit(ctx, { action: 'contact.bulk_tagged', targetType: 'contact', targetId: null, details: { add, remove, updated: rows.length } });
  return { updated: rows.length };
}
