import { and, asc, eq, param, sql } from 'drizzle-orm';
import { AppError, notFound } from '../../lib/errors.js';
import { parsePhone } from '../../lib/phone/index.js';
import type { Page } from '../../lib/pagination.js';
import { recordAudit } from '../audit/index.js';
import type { Ctx, Db } from '../context.js';
import type { ContactOut } from '../contacts/index.js';
import { queryRowsOf } from '../sql.js';
import { countAudience, pageAudience, resolveAudience, sampleAudience, type Audience } from './audience.service.js';
import { addMembersIn, createSegmentIn, previewSegmentIn, removeMembersIn, updateSegmentIn, type SegmentOut } from './segments.schemas.js';
import { segmentMembers, segments } from './segments.tables.js';
import { getWorkspaceSettings } from '../workspaces/index.js';

type Row = typeof segments.$inferSelect;

function toSegmentOut(r: Row, members: number | null): SegmentOut {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    kind: r.kind as SegmentOut['kind'],
    rules: r.rules,
    member_count: r.kind === 'static' ? (members ?? 0) : null,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

/** The number of contacts matching rules now (no side effects). */
export async function countSegment(ctx: Ctx, rules: unknown): Promise<number> {
  return countAudience(ctx, await resolveAudience(ctx, rules));
}

/** Live count and a sample of who matches, for the rule editor. */
export async function previewSegment(ctx: Ctx, input: unknown): Promise<{ count: number; sample: ContactOut[] }> {
  const data = previewSegmentIn.parse(input);
  const audience = await resolveAudience(ctx, data.rules);
  const [count, sample] = [await countAudience(ctx, audience), await sampleAudience(ctx, audience, data.sample_size)];
  return { count, sample };
}

/** A page of contacts matching rules, in id order (stable for paging through a whole audience). */
export async function pageSegment(ctx: Ctx, rules: unknown, opts: { limit: number; cursor?: string | undefined }): Promise<Page<ContactOut>> {
  return pageAudience(ctx, await resolveAudience(ctx, rules), opts);
}

async function loadSegment(ctx: Ctx, id: string): Promise<Row> {
  const [row] = await ctx.db
    .select()
    .from(segments)
    .where(and(eq(segments.id, id), eq(segments.workspaceId, ctx.workspaceId)));
  if (!row) throw notFound('segment', id);
  return row;
}

/**
 * The audience of a saved segment: its rules (dynamic) or its members (static). Broadcasts and
 * automations call this when they run, so a dynamic segment is always evaluated fresh.
 */
export async function segmentAudience(ctx: Ctx, id: string): Promise<Audience> {
  await loadSegment(ctx, id);
  return resolveAudience(ctx, { segment: id });
}

/** Saves a dynamic segment (rules, checked now) or an empty static list. */
export async function createSegment(ctx: Ctx, input: unknown): Promise<SegmentOut> {
  const data = createSegmentIn.parse(input);
  if (data.rules) await resolveAudience(ctx, data.rules);
  const [row] = await ctx.db
    .insert(segments)
    .values({
      workspaceId: ctx.workspaceId,
      name: data.name,
      description: data.description ?? null,
      kind: data.rules ? 'dynamic' : 'static',
      rules: (data.rules as Record<string, unknown> | undefined) ?? null,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    })
    .onConflictDoNothing()
    .returning();
  if (!row) throw new AppError('SEGMENT_NAME_TAKEN', `a segment named "${data.name}" already exists`, { field: 'name' });
  await recordAudit(ctx, { action: 'segment.created', targetType: 'segment', targetId: row.id, details: { kind: row.kind } });
  return toSegmentOut(row, 0);
}

/** All saved segments and lists, by name. */
export async function listSegments(ctx: Ctx): Promise<SegmentOut[]> {
  const rows = await ctx.db.select().from(segments).where(eq(segments.workspaceId, ctx.workspaceId)).orderBy(asc(segments.name));
  const counts = await queryRowsOf<{ id: string; n: number }>(
    ctx.db,
    sql`select segment_id as id, count(*)::int as n from segment_members where workspace_id = ${ctx.workspaceId} group by segment_id`,
  );
  const byId = new Map(counts.map((c) => [c.id, c.n]));
  return rows.map((r) => toSegmentOut(r, byId.get(r.id) ?? 0));
}

/** One saved segment. */
export async function getSegment(ctx: Ctx, id: string): Promise<SegmentOut> {
  const row = await loadSegment(ctx, id);
  return toSegmentOut(row, row.kind === 'static' ? await memberCount(ctx, id) : null);
}

/** Renames a segment or replaces a dynamic segment's rules (checked, including loops through other segments). */
export async function updateSegment(ctx: Ctx, id: string, input: unknown): Promise<SegmentOut> {
  const data = updateSegmentIn.parse(input);
  const current = await loadSegment(ctx, id);
  if (data.rules && current.kind === 'static') throw new AppError('SEGMENT_NOT_DYNAMIC', 'a static list has members, not rules; create a dynamic segment instead', { field: 'rules' });
  if (data.rules) await resolveAudience(ctx, data.rules, id);
  try {
    const [row] = await ctx.db
      .update(segments)
      .set({
        ...(data.name !== undefined ? { name: data.name } : {}),
        ...(data.description !== undefined ? { description: data.description } : {}),
        ...(data.rules ? { rules: data.rules as Record<string, unknown> } : {}),
        updatedAt: ctx.now,
      })
      .where(and(eq(segments.id, id), eq(segments.workspaceId, ctx.workspaceId)))
      .returning();
    await recordAudit(ctx, { action: 'segment.updated', targetType: 'segment', targetId: id, details: { fields: Object.keys(data) } });
    return toSegmentOut(row!, row!.kind === 'static' ? await memberCount(ctx, id) : null);
  } catch (err) {
    // Drizzle wraps the driver's error, so the unique violation's code is on `cause`.
    const e = err as { code?: string; cause?: { code?: string } };
    if ((e.code ?? e.cause?.code) === '23505') throw new AppError('SEGMENT_NAME_TAKEN', `a segment named "${data.name}" already exists`, { field: 'name' });
    throw err;
  }
}

/** Deletes a segment unless another segment's rules refer to it. */
export async function deleteSegment(ctx: Ctx, id: string): Promise<void> {
  await loadSegment(ctx, id);
  const users = await queryRowsOf<{ id: string; name: string }>(
    ctx.db,
    sql`select id, name from segments where workspace_id = ${ctx.workspaceId} and kind = 'dynamic' and id <> ${id} and jsonb_path_exists(rules, '$.**.segment ? (@ == $id)', ${JSON.stringify({ id })}::jsonb)`,
  );
  if (users.length > 0) {
    throw new AppError('SEGMENT_IN_USE', `segment is used by ${users.map((u) => `"${u.name}"`).join(', ')}; change those rules first`, { used_by: users.map((u) => u.id) });
  }
  await ctx.db.delete(segments).where(and(eq(segments.id, id), eq(segments.workspaceId, ctx.workspaceId)));
  await recordAudit(ctx, { action: 'segment.deleted', targetType: 'segment', targetId: id });
}

/** The contacts in a saved segment now, as a keyset page. */
export async function listSegmentContacts(ctx: Ctx, id: string, opts: { limit: number; cursor?: string | undefined }): Promise<Page<ContactOut>> {
  return pageAudience(ctx, await segmentAudience(ctx, id), opts);
}

/** How many contacts a saved segment holds now. */
export async function countSavedSegment(ctx: Ctx, id: string): Promise<number> {
  return countAudience(ctx, await segmentAudience(ctx, id));
}

async function staticList(ctx: Ctx, id: string): Promise<Row> {
  const row = await loadSegment(ctx, id);
  if (row.kind !== 'static') throw new AppError('SEGMENT_NOT_STATIC', 'members can only be added to or removed from a static list; change the rules of a dynamic segment instead');
  return row;
}

/** What adding members did, naming the inputs that matched no contact. */
export interface MembersAdded {
  added: number;
  removed: number;
  member_count: number;
  /** Contact ids or (valid) phones, as given, that match no contact of the workspace. */
  not_found: string[];
  /** Phones, as given, that are not phone numbers, with why. */
  invalid: { phone: string; message: string }[];
}

/** Phones as E.164 (national ones with the workspace's default country), and those that do not parse. */
async function parsePhones(ctx: Ctx, phones: string[]): Promise<{ e164: Map<string, string[]>; invalid: MembersAdded['invalid'] }> {
  const country = (await getWorkspaceSettings(ctx.db, ctx.workspaceId)).default_country ?? undefined;
  const e164 = new Map<string, string[]>();
  const invalid: MembersAdded['invalid'] = [];
  for (const given of new Set(phones)) {
    try {
      const p = parsePhone(given, country).e164;
      e164.set(p, [...(e164.get(p) ?? []), given]);
    } catch (err) {
      invalid.push({ phone: given, message: err instanceof Error ? err.message : String(err) });
    }
  }
  return { e164, invalid };
}

/**
 * Adds contacts to a static list by id, by phone or by a rules snapshot (one statement). Phones
 * are matched in E.164, so "07700 900123" finds +447700900123 in a GB workspace; ids and phones
 * that match nobody are named in the answer instead of vanishing into `added: 0`.
 */
export async function addSegmentMembers(ctx: Ctx, id: string, input: unknown): Promise<MembersAdded> {
  const data = addMembersIn.parse(input);
  await staticList(ctx, id);
  let source;
  let wanted = new Map<string, string[]>();
  let invalid: MembersAdded['invalid'] = [];
  if (data.contact_ids) {
    wanted = new Map(data.contact_ids.map((c) => [c.toLowerCase(), [c]]));
    source = sql`select c.id, c.id::text as key from contacts c where c.workspace_id = ${ctx.workspaceId} and c.id = any(${param(data.contact_ids)}::uuid[])`;
  } else if (data.phones) {
    ({ e164: wanted, invalid } = await parsePhones(ctx, data.phones));
    source = sql`select c.id, c.phone as key from contacts c where c.workspace_id = ${ctx.workspaceId} and c.phone = any(${param([...wanted.keys()])}::text[])`;
  } else {
    const audience = await resolveAudience(ctx, data.rules, id);
    source = sql`select c.id, null::text as key from ${audience.from} where c.workspace_id = ${ctx.workspaceId} and ${audience.where}`;
  }
  const [res] = await queryRowsOf<{ n: number; found: string[] | null }>(
    ctx.db,
    sql`with src as (${source}),
        ins as (
          insert into segment_members (segment_id, contact_id, workspace_id, added_at)
          select ${id}::uuid, src.id, ${ctx.workspaceId}::uuid, ${ctx.now.toISOString()}::timestamptz from src
          on conflict do nothing returning 1)
        select (select count(*)::int from ins) as n, (select array_agg(key) from src where key is not null) as found`,
  );
  const added = res?.n ?? 0;
  const found = new Set(res?.found ?? []);
  const notFound = [...wanted].filter(([key]) => !found.has(key)).flatMap(([, given]) => given);
  const count = await memberCount(ctx, id);
  await recordAudit(ctx, { action: 'segment.members_added', targetType: 'segment', targetId: id, details: { added, not_found: notFound.length, invalid: invalid.length } });
  return { added, removed: 0, member_count: count, not_found: notFound, invalid };
}

/**
 * Adds the workspace's contacts with these numbers to a static list in one statement (an import's
 * list target, checked as static by the caller before the file was read). Members already on the
 * list stay as they are; no audit row (the import audits itself).
 */
export async function addListMembersByPhone(db: Db, workspaceId: string, listId: string, phones: string[], now: Date): Promise<void> {
  await db.execute(sql`insert into segment_members (segment_id, contact_id, workspace_id, added_at)
      select ${listId}::uuid, c.id, ${workspaceId}::uuid, ${now.toISOString()}::timestamptz from contacts c
      where c.workspace_id = ${workspaceId}::uuid and c.phone = any(${param(phones)}::text[])
      on conflict do nothing`);
}

/** Removes contacts from a static list. */
export async function removeSegmentMembers(ctx: Ctx, id: string, input: unknown): Promise<{ added: number; removed: number; member_count: number }> {
  const data = removeMembersIn.parse(input);
  await staticList(ctx, id);
  const gone = await ctx.db
    .delete(segmentMembers)
    .where(and(eq(segmentMembers.segmentId, id), eq(segmentMembers.workspaceId, ctx.workspaceId), sql`${segmentMembers.contactId} = any(${param(data.contact_ids)}::uuid[])`))
    .returning({ id: segmentMembers.contactId });
  const count = await memberCount(ctx, id);
  await recordAudit(ctx, { action: 'segment.members_removed', targetType: 'segment', targetId: id, details: { removed: gone.length } });
  return { added: 0, removed: gone.length, member_count: count };
}

// Counted, not stored: erasing a contact removes its memberships by cascade, and a stored
// count would drift. The primary key makes this an index-only count.
async function memberCount(ctx: Ctx, id: string): Promise<number> {
  const [row] = await queryRowsOf<{ n: number }>(ctx.db, sql`select count(*)::int as n from segment_members where segment_id = ${id}::uuid and workspace_id = ${ctx.workspaceId}`);
  return row?.n ?? 0;
}

/** The kind ('dynamic' or 'static') of the workspace's segment with this id; undefined when it has none. */
export async function segmentKindOf(db: Db, workspaceId: string, id: string): Promise<string | undefined> {
  const [row] = await db.select({ kind: segments.kind }).from(segments).where(and(eq(segments.id, id), eq(segments.workspaceId, workspaceId)));
  return row?.kind;
}
