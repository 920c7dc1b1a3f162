import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { decodeCursor, toPage, type Page } from '../../lib/pagination.js';
import type { Ctx, Db } from '../context.js';
import { attributeDefinitions, contacts } from '../contacts/contacts.tables.js';
import { stageOf, toContactOut, type ContactOut } from '../contacts/index.js';
import { topics } from '../consent/consent.tables.js';
import { getWorkspaceSettings } from '../workspaces/index.js';
import { queryRowsOf } from '../sql.js';
import { compileSegmentRules, complementSetOf, idSetOf, type CompileEnv, type CompiledRules } from './segment-sql.js';
import { parseSegmentRules, referencedSegments, RULE_LIMITS, rulesError, type AttributeType, type RulesCatalog, type SegmentNode } from './segments.rules.js';
import { segments } from './segments.tables.js';

/** What an audience query needs: the compiled predicate over `contacts c` and the FROM it applies to. */
export interface Audience extends CompiledRules {
  /** `contacts c`. */
  from: SQL;
}

/** The attribute types and topic keys of a workspace, for validating rules. */
async function catalogOf(db: Db, workspaceId: string): Promise<RulesCatalog & { topicIds: Map<string, string> }> {
  const [attrs, tops] = await Promise.all([
    db.select({ key: attributeDefinitions.key, type: attributeDefinitions.type, enumValues: attributeDefinitions.enumValues }).from(attributeDefinitions).where(eq(attributeDefinitions.workspaceId, workspaceId)),
    db.select({ id: topics.id, key: topics.key }).from(topics).where(eq(topics.workspaceId, workspaceId)),
  ]);
  return {
    attributes: new Map(attrs.map((a) => [a.key, { type: a.type as AttributeType, enumValues: a.enumValues }])),
    topicKeys: new Set(tops.map((t) => t.key)),
    topicIds: new Map(tops.map((t) => [t.key, t.id])),
  };
}

/**
 * Validates and compiles rules for this workspace, loading every saved segment they refer to
 * (and those segments' own references, up to the nesting limit). `selfId` is the segment being
 * saved, so a rule that refers back to it is reported as a loop.
 */
export async function resolveAudience(ctx: Pick<Ctx, 'db' | 'workspaceId' | 'now'>, rules: unknown, selfId?: string): Promise<Audience> {
  const catalog = await catalogOf(ctx.db, ctx.workspaceId);
  const node = parseSegmentRules(rules, catalog);
  const saved: CompileEnv['segments'] = new Map();
  let pending = referencedSegments(node);
  for (let depth = 0; pending.length > 0; depth += 1) {
    if (selfId && pending.includes(selfId)) throw rulesError('rules', 'this segment would refer to itself');
    if (depth > RULE_LIMITS.segmentDepth) throw rulesError('rules', `segments nest more than ${RULE_LIMITS.segmentDepth} levels deep`);
    const rows = await ctx.db
      .select({ id: segments.id, kind: segments.kind, rules: segments.rules })
      .from(segments)
      .where(and(eq(segments.workspaceId, ctx.workspaceId), inArray(segments.id, [...new Set(pending)])));
    const next: string[] = [];
    for (const r of rows) {
      const parsed: SegmentNode | null = r.kind === 'dynamic' ? parseSegmentRules(r.rules, catalog, `segment ${r.id}`) : null;
      saved.set(r.id, { kind: r.kind as 'dynamic' | 'static', node: parsed });
      if (parsed) next.push(...referencedSegments(parsed).filter((id) => !saved.has(id)));
    }
    pending = next;
  }
  const settings = await getWorkspaceSettings(ctx.db, ctx.workspaceId);
  const compiled = compileSegmentRules(node, {
    workspaceId: ctx.workspaceId,
    zone: typeof settings.timezone === 'string' ? settings.timezone : 'UTC',
    now: ctx.now,
    topicIds: catalog.topicIds,
    segments: saved,
  });
  return { ...compiled, from: sql`contacts c` };
}

/**
 * Runs audience queries with more sort/hash memory than PostgreSQL's 4 MB default: grouping a
 * year of purchases by contact or hashing half a million ids otherwise spills to disk. `ssd`: plan
 * with random_page_cost 1.1 (data in memory or on SSD) — only for counts of one set: at the
 * default 4 "spent / bought in N days" read all of contact_events and hashed a year of purchases
 * (spilling at 64 MB) instead of the covering index in contact order; for whole rules over contacts
 * 1.1 chose index scans that were slower (measured at 1 M contacts, see docs/performance.md).
 */
async function withQueryMemory<T>(db: Db, ssd: boolean, run: (db: Db) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local work_mem = '64MB'`);
    if (ssd) await tx.execute(sql`set local random_page_cost = 1.1`);
    return run(tx);
  });
}

/** How many contacts of the workspace match the rules right now. */
export async function countAudience(ctx: Pick<Ctx, 'db' | 'workspaceId' | 'now'>, audience: Audience): Promise<number> {
  // A rule that is one set condition (consent, list, events, a broadcast) is counted from that
  // set's own index: its rows all belong to contacts of this workspace (foreign keys), so the
  // count is exact without reading a million contact rows.
  const ids = idSetOf(audience.where);
  const outside = complementSetOf(audience.where);
  const query = ids
    ? sql`select count(*)::int as n from (${ids}) x`
    : outside
      ? sql`select ((select count(*) from contacts where workspace_id = ${ctx.workspaceId}) - (select count(*) from (${outside}) x))::int as n`
      : sql`select count(*)::int as n from ${audience.from} where c.workspace_id = ${ctx.workspaceId} and ${audience.where}`;
  const [row] = await withQueryMemory(ctx.db, !!(ids ?? outside), (db) => queryRowsOf<{ n: number }>(db, query));
  return row?.n ?? 0;
}

/** A keyset page (by contact id) of the contacts matching an audience. */
export async function pageAudience(ctx: Pick<Ctx, 'db' | 'workspaceId'>, audience: Audience, opts: { limit: number; cursor?: string | undefined }): Promise<Page<ContactOut>> {
  const after = decodeCursor(opts.cursor, { id: 'uuid' });
  const c = alias(contacts, 'c');
  const conds = [eq(c.workspaceId, ctx.workspaceId), audience.where, ...(after ? [sql`c.id > ${after.id}::uuid`] : [])];
  const rows = await ctx.db
    .select({ contact: c, stage: stageOf(c.id) })
    .from(c)
    .where(and(...conds))
    .orderBy(c.id)
    .limit(opts.limit + 1);
  return toPage(
    rows,
    opts.limit,
    (r) => toContactOut({ ...r.contact, lifecycleStage: r.stage }),
    (r) => ({ id: r.contact.id }),
  );
}

/** Count and a sample (the newest matching contacts) while someone edits rules. */
export async function sampleAudience(ctx: Pick<Ctx, 'db' | 'workspaceId'>, audience: Audience, size: number): Promise<ContactOut[]> {
  if (size === 0) return [];
  const c = alias(contacts, 'c');
  const rows = await ctx.db
    .select({ contact: c, stage: stageOf(c.id) })
    .from(c)
    .where(and(eq(c.workspaceId, ctx.workspaceId), audience.where))
    .orderBy(sql`c.created_at desc, c.id desc`)
    .limit(size);
  return rows.map((r) => toContactOut({ ...r.contact, lifecycleStage: r.stage }));
}
