import { randomBytes } from 'node:crypto';
import { and, eq, ne, sql } from 'drizzle-orm';
import { AppError } from '../../lib/errors.js';
import { mapPage, type Page } from '../../lib/pagination.js';
import { workspaceRowById, workspaceRowsByTime } from '../sql.js';
import { recordAudit } from '../audit/index.js';
import { keywordSets, listTopics, matchKeyword, normalizeKeyword, optinCountsBySource, topicsByKeys, type SourceOptinCount } from '../consent/index.js';
import type { Ctx, Db } from '../context.js';
import { validateAttributes } from '../contacts/index.js';
import { hasNumber } from '../numbers/index.js';
import { getWorkspaceSettings } from '../workspaces/index.js';
import { isPreferenceKeyword } from '../preferences/index.js';
import { numberOfSource, requireNumberOfSource, topicsOfSource, type SourceRow } from './optin-lookup.js';
import { missingFormFields, slugify, waMeLink } from './optin.rules.js';
import { createSourceIn, updateSourceIn, type LinkOut, type OptinKind, type OptinStatus, type PageData, type SourceOut } from './optin.schemas.js';
import { optinSources } from './optin.tables.js';

const field = (name: string, message: string) => ({ fields: [{ field: name, message }] });

function toSourceOut(r: SourceRow, keys: Map<string, string>, count: SourceOptinCount | undefined): SourceOut {
  return {
    id: r.id,
    kind: r.kind as OptinKind,
    name: r.name,
    keyword: r.keyword,
    topics: r.topicIds.flatMap((id) => (keys.has(id) ? [keys.get(id)!] : [])),
    number_id: r.numberId,
    consent_text: r.consentText,
    slug: r.slug,
    page: r.page,
    welcome: r.welcome,
    status: r.status as OptinStatus,
    opt_in_count: count?.people ?? 0,
    last_opt_in_at: count?.lastAt?.toISOString() ?? null,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

async function outOf(db: Db, r: SourceRow): Promise<SourceOut> {
  const counts = await optinCountsBySource(db, r.workspaceId, [r.id]);
  return toSourceOut(r, new Map((await topicsOfSource(db, r)).map((t) => [t.id, t.key])), counts.get(r.id));
}

/**
 * Serialises writes to opt-in sources (rare, admin-driven) so the keyword and slug checks below
 * cannot race another transaction between the check and the write; released at commit.
 */
async function lockSourceWrites(db: Db): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtextextended('greenlist:optin_sources', 0))`);
}

/**
 * Normalises a keyword and checks it is free. A STOP or START word (or a text that reads as one,
 * like "stop offers") can never be an opt-in keyword: opt-out handling must always win.
 */
async function claimKeyword(db: Db, workspaceId: string, raw: string, exceptId: string | null): Promise<string> {
  const keyword = normalizeKeyword(raw);
  if (!keyword) throw new AppError('VALIDATION_FAILED', 'keyword: use letters or digits (punctuation and emoji are ignored when matching)', field('keyword', 'empty once normalised'));
  const settings = await getWorkspaceSettings(db, workspaceId);
  const own = settings.opt_out ?? undefined;
  const clash = matchKeyword(keyword, keywordSets(undefined)) ?? matchKeyword(keyword, keywordSets(own));
  if (clash) throw new AppError('KEYWORD_TAKEN', `keyword "${keyword}" is an opt-out or opt-in word ("${clash.keyword}"); choose another`, { field: 'keyword', keyword });
  // The preference keyword is answered before opt-in keywords: a source with the same word would never subscribe anyone.
  if (isPreferenceKeyword(settings, keyword)) throw new AppError('KEYWORD_TAKEN', `keyword "${keyword}" opens the preference centre; choose another (or disable it in settings.preferences.disabled_keywords)`, { field: 'keyword', keyword });
  const [taken] = await db
    .select({ id: optinSources.id })
    .from(optinSources)
    .where(and(eq(optinSources.workspaceId, workspaceId), eq(optinSources.keyword, keyword), exceptId ? ne(optinSources.id, exceptId) : undefined));
  if (taken) throw new AppError('KEYWORD_TAKEN', `keyword "${keyword}" is used by another opt-in source; choose another`, { field: 'keyword', keyword });
  return keyword;
}

async function claimSlug(db: Db, slug: string, exceptId: string | null): Promise<string> {
  const [taken] = await db
    .select({ id: optinSources.id })
    .from(optinSources)
    .where(and(eq(optinSources.slug, slug), exceptId ? ne(optinSources.id, exceptId) : undefined));
  if (taken) throw new AppError('FORM_SLUG_TAKEN', `slug: "${slug}" is already used by a form (slugs are public URLs, unique across workspaces); choose another`, { field: 'slug' });
  return slug;
}

async function checkNumber(db: Db, workspaceId: string, id: string | null | undefined): Promise<string | null> {
  if (!id) return null;
  if (!(await hasNumber(db, workspaceId, id))) throw new AppError('VALIDATION_FAILED', 'number_id: no such business number in this workspace (see GET /api/v1/phone-numbers)', field('number_id', 'unknown number'));
  return id;
}

async function topicIdsOf(db: Db, workspaceId: string, keys: string[]): Promise<string[]> {
  return (await topicsByKeys(db, workspaceId, [...new Set(keys)], 'topics')).map((t) => t.id);
}

/** Checks a source may be active: a form must state everything the page needs, any source needs topics. */
async function assertActivatable(db: Db, row: SourceRow): Promise<void> {
  const topicList = await topicsOfSource(db, row);
  if (row.kind === 'form') {
    const page = (row.page ?? {}) as PageData;
    const missing = missingFormFields({ businessName: page.business_name, topics: topicList, frequency: page.frequency, howToStop: page.how_to_stop, privacyUrl: page.privacy_url });
    // The person confirms by texting the business number, so a form needs one to be usable.
    if (!(await numberOfSource(db, row))) missing.push('number_id');
    if (missing.length > 0) throw new AppError('FORM_INCOMPLETE', `the form cannot be published without ${missing.join(', ')}`, { missing });
  } else if (topicList.length === 0) {
    throw new AppError('VALIDATION_FAILED', 'topics: name at least one topic people subscribe to', field('topics', 'empty'));
  }
}

/** The incentive is stored in a contact attribute on opt-in, so that attribute must exist and accept it. */
async function checkIncentiveAttribute(ctx: Ctx, welcome: { incentive?: string | undefined; incentive_attribute?: string | undefined } | undefined): Promise<void> {
  if (!welcome?.incentive_attribute) return;
  await validateAttributes(ctx.db, ctx.workspaceId, { [welcome.incentive_attribute]: welcome.incentive ?? '' });
}

/** Creates an opt-in source. Forms start as drafts (publish them); links and QR codes are active at once. */
export async function createOptinSource(ctx: Ctx, input: unknown): Promise<SourceOut> {
  const d = createSourceIn.parse(input);
  if (d.kind !== 'form' && (d.page !== undefined || d.slug !== undefined)) {
    throw new AppError('VALIDATION_FAILED', `${d.page !== undefined ? 'page' : 'slug'}: only forms have a hosted page`, field(d.page !== undefined ? 'page' : 'slug', 'only for kind "form"'));
  }
  await checkIncentiveAttribute(ctx, d.welcome);
  await lockSourceWrites(ctx.db);
  const keyword = await claimKeyword(ctx.db, ctx.workspaceId, d.keyword, null);
  const topicIds = await topicIdsOf(ctx.db, ctx.workspaceId, d.topics);
  const numberId = await checkNumber(ctx.db, ctx.workspaceId, d.number_id);
  let slug: string | null = null;
  if (d.kind === 'form') slug = d.slug ? await claimSlug(ctx.db, d.slug, null) : `${slugify(d.name) || 'join'}-${randomBytes(4).toString('hex')}`;
  const status: OptinStatus = d.kind === 'form' ? 'draft' : 'active';
  const values = { workspaceId: ctx.workspaceId, kind: d.kind, name: d.name, keyword, topicIds, numberId, consentText: d.consent_text, slug, page: d.page ?? null, welcome: d.welcome ?? null, status, createdAt: ctx.now, updatedAt: ctx.now };
  if (status === 'active' && topicIds.length === 0) throw new AppError('VALIDATION_FAILED', 'topics: name at least one topic people subscribe to', field('topics', 'empty'));
  const [row] = await ctx.db.insert(optinSources).values(values).returning();
  await recordAudit(ctx, { action: 'optin_source.created', targetType: 'optin_source', targetId: row!.id, details: { kind: d.kind, keyword, status } });
  return outOf(ctx.db, row!);
}

async function loadSource(ctx: Ctx, id: string): Promise<SourceRow> {
  return workspaceRowById(ctx, optinSources, id, 'opt-in source');
}

/** One source of the workspace. */
export async function getOptinSource(ctx: Ctx, id: string): Promise<SourceOut> {
  return outOf(ctx.db, await loadSource(ctx, id));
}

/** Lists the workspace's sources, oldest first, optionally of one kind or status, each with its opt-in count (one statement per page). */
export async function listOptinSources(ctx: Ctx, q: { limit: number; cursor?: string; kind?: OptinKind; status?: OptinStatus }): Promise<Page<SourceOut>> {
  const page = await workspaceRowsByTime(ctx.db, optinSources, {
    workspaceId: ctx.workspaceId,
    time: 'createdAt',
    order: 'oldest',
    filters: [q.kind ? eq(optinSources.kind, q.kind) : undefined, q.status ? eq(optinSources.status, q.status) : undefined],
    limit: q.limit,
    cursor: q.cursor,
  });
  const keys = new Map((await listTopics(ctx.db, ctx.workspaceId)).map((t) => [t.id, t.key]));
  const counts = await optinCountsBySource(ctx.db, ctx.workspaceId, page.data.map((r) => r.id));
  return mapPage(page, (r) => toSourceOut(r, keys, counts.get(r.id)));
}

/** Changes a source. A change to an active form must leave it complete (it is live at /join/<slug>). */
export async function updateOptinSource(ctx: Ctx, id: string, input: unknown): Promise<SourceOut> {
  const d = updateSourceIn.parse(input);
  await checkIncentiveAttribute(ctx, d.welcome ?? undefined);
  await lockSourceWrites(ctx.db);
  const row = await loadSource(ctx, id);
  if (row.kind !== 'form' && ((d.page !== undefined && d.page !== null) || d.slug !== undefined)) {
    throw new AppError('VALIDATION_FAILED', `${d.slug !== undefined ? 'slug' : 'page'}: only forms have a hosted page`, field(d.slug !== undefined ? 'slug' : 'page', 'only for kind "form"'));
  }
  const next: SourceRow = {
    ...row,
    ...(d.name !== undefined ? { name: d.name } : {}),
    ...(d.keyword !== undefined ? { keyword: await claimKeyword(ctx.db, ctx.workspaceId, d.keyword, id) } : {}),
    ...(d.topics !== undefined ? { topicIds: await topicIdsOf(ctx.db, ctx.workspaceId, d.topics) } : {}),
    ...(d.number_id !== undefined ? { numberId: await checkNumber(ctx.db, ctx.workspaceId, d.number_id) } : {}),
    ...(d.consent_text !== undefined ? { consentText: d.consent_text } : {}),
    ...(d.welcome !== undefined ? { welcome: d.welcome } : {}),
    ...(d.page !== undefined ? { page: d.page } : {}),
    ...(d.slug !== undefined ? { slug: await claimSlug(ctx.db, d.slug, id) } : {}),
    ...(d.status !== undefined ? { status: d.status } : {}),
    updatedAt: ctx.now,
  };
  if (next.status === 'active') await assertActivatable(ctx.db, next);
  const { id: _id, workspaceId: _ws, createdAt: _c, kind: _k, ...changes } = next;
  const [saved] = await ctx.db.update(optinSources).set(changes).where(and(eq(optinSources.id, id), eq(optinSources.workspaceId, ctx.workspaceId))).returning();
  await recordAudit(ctx, { action: 'optin_source.updated', targetType: 'optin_source', targetId: id, details: { fields: Object.keys(d), status: next.status } });
  return outOf(ctx.db, saved!);
}

/** Publishes a source: a form goes live at /join/<slug> once it states everything people must know. */
export async function publishOptinSource(ctx: Ctx, id: string): Promise<SourceOut> {
  await lockSourceWrites(ctx.db);
  const row = await loadSource(ctx, id);
  await assertActivatable(ctx.db, row);
  const [saved] = await ctx.db.update(optinSources).set({ status: 'active', updatedAt: ctx.now }).where(and(eq(optinSources.id, id), eq(optinSources.workspaceId, ctx.workspaceId))).returning();
  await recordAudit(ctx, { action: 'optin_source.published', targetType: 'optin_source', targetId: id, details: { kind: row.kind, slug: row.slug, previous_status: row.status } });
  return outOf(ctx.db, saved!);
}

/** The click-to-chat link of a source: its business number with the keyword prefilled. */
export async function optinLinkOf(ctx: Ctx, id: string): Promise<LinkOut> {
  const row = await loadSource(ctx, id);
  const n = await requireNumberOfSource(ctx.db, row);
  return { url: waMeLink(n.digits, row.keyword), keyword: row.keyword };
}
