// Automations as the API sees them: drafts, published versions, state changes, enrolment and runs.
import { and, desc, eq, sql } from 'drizzle-orm';
import { AppError, notFound } from '../../lib/errors.js';
import { recordAudit } from '../audit/index.js';
import type { Ctx, Db } from '../context.js';
import { stepConversionsOf, type Conversions } from '../broadcasts/index.js';
import { assertContact, findContactIdsByPhones, setContactChangeWatches } from '../contacts/index.js';
import { outboxOutcomeSql } from '../messaging/index.js';
import { segmentAudience } from '../segments/index.js';
import { queryRowsOf } from '../sql.js';
import type { AutomationStatus } from './automations.rules.js';
import { automationOut, createAutomationIn, enrollIn, testRunIn, updateAutomationIn, type AutomationOut, type RunOut } from './automations.schemas.js';
import { automations, automationVersions } from './automations.tables.js';
import { resolveDefinition } from './definition.service.js';
import { enrollContacts, type EnrollResult } from './enrol.service.js';
import { startCursors } from './triggers.service.js';

type Row = typeof automations.$inferSelect;

async function loadAutomation(ctx: Pick<Ctx, 'db' | 'workspaceId'>, id: string): Promise<Row> {
  const [row] = await ctx.db.select().from(automations).where(and(eq(automations.id, id), eq(automations.workspaceId, ctx.workspaceId)));
  if (!row) throw notFound('automation', id);
  return row;
}

/** Runs of one automation by state (enrolled = all of them). */
async function countsOf(db: Db, id: string): Promise<Record<string, number>> {
  const rows = await queryRowsOf<{ state: string; n: number }>(db, sql`select state, count(*)::int as n from automation_runs where automation_id = ${id} group by state`);
  const counts: Record<string, number> = { enrolled: 0, active: 0, waiting: 0, completed: 0, converted: 0, exited: 0, failed: 0 };
  for (const r of rows) {
    counts[r.state] = r.n;
    counts.enrolled! += r.n;
  }
  return counts;
}

/**
 * Per step: what its runs did (sent, waited, deferred, skipped, exited, done, then/else) and, for
 * sends, how far the messages got (delivered, read, failed: from the message log), how many people
 * replied within 72 h, and how many opened one of the step's tracked links (`clicked`).
 */
async function stepCountsOf(db: Db, id: string): Promise<Record<string, Record<string, number>>> {
  const sent = outboxOutcomeSql(sql`s.workspace_id`, sql`s.outbox_key`);
  const rows = await queryRowsOf<{ step_id: string; outcome: string; n: number; delivered: number; read: number; failed: number; replied: number; clicked: number }>(
    db,
    sql`select s.step_id, s.outcome, count(*)::int as n,
          count(*) filter (where d.rank >= 3)::int as delivered, count(*) filter (where d.rank >= 4)::int as read, count(*) filter (where d.rank = -1)::int as failed,
          count(*) filter (where d.replied)::int as replied, count(*) filter (where s.clicked_at is not null)::int as clicked
        from automation_step_runs s left join lateral ${sent} d on true
        where s.automation_id = ${id} group by s.step_id, s.outcome`,
  );
  const out: Record<string, Record<string, number>> = {};
  for (const r of rows) {
    const c = (out[r.step_id] ??= {});
    c[r.outcome] = (c[r.outcome] ?? 0) + r.n;
    if (r.outcome === 'sent') Object.assign(c, { delivered: r.delivered, read: r.read, failed: r.failed, replied: r.replied, clicked: r.clicked });
  }
  return out;
}

/** Adds each send step's converted contacts to its counts (the funnel's last figure beside read and clicked). */
function withConverted(counts: Record<string, Record<string, number>>, conversions: Map<string, Conversions>): Record<string, Record<string, number>> {
  for (const [stepId, c] of conversions) (counts[stepId] ??= {}).converted = c.converted;
  return counts;
}

async function toOut(db: Db, row: Row): Promise<AutomationOut> {
  const conversions = await stepConversionsOf(db, row.workspaceId, row.id);
  return automationOut.parse({
    step_counts: withConverted(await stepCountsOf(db, row.id), conversions),
    step_conversions: Object.fromEntries(conversions),
    id: row.id,
    name: row.name,
    status: row.status,
    version: row.version,
    definition: row.draft,
    counts: await countsOf(db, row.id),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  });
}

/** Creates a draft automation; its definition is checked now (AUTOMATION_INVALID names each problem's path). */
export async function createAutomation(ctx: Ctx, input: unknown): Promise<AutomationOut> {
  const data = createAutomationIn.parse(input);
  await resolveDefinition(ctx, data.definition);
  const [row] = await ctx.db.insert(automations).values({ workspaceId: ctx.workspaceId, name: data.name, draft: data.definition, createdAt: ctx.now, updatedAt: ctx.now }).returning();
  await recordAudit(ctx, { action: 'automation.created', targetType: 'automation', targetId: row!.id, details: { name: data.name } });
  return toOut(ctx.db, row!);
}

/** Renames or edits the draft; a published automation keeps running its version until the draft is published. */
export async function updateAutomation(ctx: Ctx, id: string, input: unknown): Promise<AutomationOut> {
  const data = updateAutomationIn.parse(input);
  const row = await loadAutomation(ctx, id);
  if (row.status === 'archived') throw new AppError('AUTOMATION_STATE_INVALID', 'this automation is archived; create a new one', { status: row.status });
  if (data.definition) await resolveDefinition(ctx, data.definition);
  const [updated] = await ctx.db
    .update(automations)
    .set({ ...(data.name ? { name: data.name } : {}), ...(data.definition ? { draft: data.definition } : {}), updatedAt: ctx.now })
    .where(eq(automations.id, id))
    .returning();
  await recordAudit(ctx, { action: 'automation.updated', targetType: 'automation', targetId: id, details: { definition: Boolean(data.definition) } });
  return toOut(ctx.db, updated!);
}

/** One automation with its counts. */
export async function getAutomation(ctx: Ctx, id: string): Promise<AutomationOut> {
  return toOut(ctx.db, await loadAutomation(ctx, id));
}

/** Every automation of the workspace, newest first. */
export async function listAutomations(ctx: Ctx): Promise<AutomationOut[]> {
  const rows = await ctx.db.select().from(automations).where(eq(automations.workspaceId, ctx.workspaceId)).orderBy(desc(automations.createdAt)).limit(500);
  return Promise.all(rows.map((r) => toOut(ctx.db, r)));
}

/**
 * Publishes the draft as a new immutable version: new runs start on it; runs already going finish
 * on the version they started (they are never moved or restarted).
 */
export async function publishAutomation(ctx: Ctx, id: string): Promise<AutomationOut> {
  const row = await loadAutomation(ctx, id);
  if (row.status === 'archived') throw new AppError('AUTOMATION_STATE_INVALID', 'this automation is archived; create a new one', { status: row.status });
  const resolved = await resolveDefinition(ctx, row.draft);
  const version = (row.version ?? 0) + 1;
  await ctx.db.insert(automationVersions).values({
    automationId: id,
    version,
    workspaceId: ctx.workspaceId,
    definition: { ...resolved.definition, resolved: { topic_category: resolved.topicCategory, categories: resolved.categories } },
    topicId: resolved.topicId,
    numberId: resolved.numberId,
    publishedAt: ctx.now,
  });
  const [updated] = await ctx.db.update(automations).set({ status: 'published', version, updatedAt: ctx.now }).where(eq(automations.id, id)).returning();
  await startCursors(ctx.db);
  await syncChangeWatches(ctx);
  await recordAudit(ctx, { action: 'automation.published', targetType: 'automation', targetId: id, details: { version } });
  return toOut(ctx.db, updated!);
}

/**
 * Tells the contacts module which tags and attributes the workspace's published automations react
 * to, so exactly those changes are recorded (after every publish, pause, resume and archive).
 */
async function syncChangeWatches(ctx: Ctx): Promise<void> {
  const rows = await queryRowsOf<{ type: string; key: string }>(
    ctx.db,
    sql`select distinct v.definition->'trigger'->>'type' as type, coalesce(v.definition->'trigger'->>'tag', v.definition->'trigger'->>'attribute') as key
        from automations a join automation_versions v on v.automation_id = a.id and v.version = a.version
        where a.workspace_id = ${ctx.workspaceId} and a.status = 'published' and v.definition->'trigger'->>'type' in ('tag', 'attribute')`,
  );
  await setContactChangeWatches(ctx.db, ctx.workspaceId, 'automations', rows.map((r) => ({ kind: r.type as 'tag' | 'attribute', key: r.key })));
}

const AUDIT_ACTION = { pause: 'automation.paused', resume: 'automation.resumed', archive: 'automation.archived' } as const;

const MOVES: Record<'pause' | 'resume' | 'archive', { from: AutomationStatus[]; to: AutomationStatus }> = {
  pause: { from: ['published'], to: 'paused' },
  resume: { from: ['paused'], to: 'published' },
  archive: { from: ['draft', 'published', 'paused'], to: 'archived' },
};

/**
 * Pauses (runs hold where they are, nobody new is enrolled), resumes, or archives (every run still
 * going exits with the reason `archived`).
 */
export async function changeAutomationStatus(ctx: Ctx, id: string, action: keyof typeof MOVES): Promise<AutomationOut> {
  const row = await loadAutomation(ctx, id);
  const move = MOVES[action];
  if (!move.from.includes(row.status as AutomationStatus)) {
    throw new AppError('AUTOMATION_STATE_INVALID', `cannot ${action} an automation that is ${row.status}`, { status: row.status, action });
  }
  const [updated] = await ctx.db.update(automations).set({ status: move.to, updatedAt: ctx.now }).where(eq(automations.id, id)).returning();
  if (action === 'archive') {
    await ctx.db.execute(sql`update automation_runs set state = 'exited', reason = 'archived', step_id = null, due_at = null, finished_at = ${ctx.now.toISOString()}::timestamptz, updated_at = ${ctx.now.toISOString()}::timestamptz
                             where automation_id = ${id} and state in ('active', 'waiting')`);
  }
  await syncChangeWatches(ctx);
  await recordAudit(ctx, { action: AUDIT_ACTION[action], targetType: 'automation', targetId: id, details: {} });
  return toOut(ctx.db, updated!);
}

/**
 * Enrols people by id, phone or saved segment (one statement), on the published version. People
 * already in it (or within the re-entry cool-down), and ids that are not this workspace's, are
 * counted apart, never enrolled twice.
 */
export async function enrollInAutomation(ctx: Ctx, id: string, input: unknown): Promise<EnrollResult> {
  const data = enrollIn.parse(input);
  const row = await loadAutomation(ctx, id);
  if (row.status !== 'published' || row.version === null) {
    throw new AppError('AUTOMATION_STATE_INVALID', `only a published automation enrols people (this one is ${row.status}); publish it first`, { status: row.status });
  }
  let ids: string[] | null = data.contact_ids ?? null;
  let audience = null;
  if (data.phones) ids = (await findContactIdsByPhones(ctx, data.phones)).filter((x): x is string => x !== null);
  if (data.segment_id) audience = (await segmentAudience(ctx, data.segment_id)).where;
  const result = await enrollContacts(ctx.db, { workspaceId: ctx.workspaceId, automationId: id, version: row.version, now: ctx.now, source: { trigger: 'api', actor: ctx.actor.type } }, ids ? { ids } : { where: audience! });
  await recordAudit(ctx, { action: 'automation.enrolled', targetType: 'automation', targetId: id, details: { enrolled: result.enrolled, skipped: result.skipped } });
  return { ...result, unknown: data.phones ? data.phones.length - (ids?.length ?? 0) : result.unknown };
}

/**
 * A test run: one contact (you, a colleague, a sandbox user) goes through the published version
 * now, even if they went through it before; never while a run of theirs is still going. Consent is
 * checked at each send as for anyone: a test run messages only someone who agreed to the topic.
 */
export async function startTestRun(ctx: Ctx, id: string, input: unknown): Promise<RunOut> {
  const data = testRunIn.parse(input);
  const row = await loadAutomation(ctx, id);
  if (row.status !== 'published' || row.version === null) {
    throw new AppError('AUTOMATION_STATE_INVALID', `a test run uses the published version (this automation is ${row.status}); publish it first`, { status: row.status });
  }
  const contactId = data.contact_id ?? (await findContactIdsByPhones(ctx, [data.phone!]))[0];
  if (!contactId) throw notFound('contact', data.phone!);
  await assertContact(ctx, contactId);
  const r = await enrollContacts(ctx.db, { workspaceId: ctx.workspaceId, automationId: id, version: row.version, now: ctx.now, source: { trigger: 'test', actor: ctx.actor.type }, test: true }, { ids: [contactId] });
  if (r.enrolled === 0) throw new AppError('AUTOMATION_STATE_INVALID', 'this contact is still going through the automation; wait for that run to end first', { contact_id: contactId });
  await recordAudit(ctx, { action: 'automation.test_run', targetType: 'automation', targetId: id, details: { contact_id: contactId } });
  const [run] = await listAutomationRuns(ctx, id, { contact_id: contactId });
  return run!;
}

/** The runs of an automation, newest first, each with its steps (what was sent, waited, skipped and why). */
export async function listAutomationRuns(ctx: Ctx, id: string, q: { state?: string | undefined; contact_id?: string | undefined }): Promise<RunOut[]> {
  await loadAutomation(ctx, id);
  const rows = await queryRowsOf<RunOut & { due_at: string | Date | null; enrolled_at: string | Date; finished_at: string | Date | null }>(
    ctx.db,
    sql`select r.id::int as id, r.contact_id, r.version, r.state, r.step_id, r.due_at, r.reason, r.enrolled_at, r.finished_at,
          coalesce((select json_agg(json_build_object('seq', s.seq, 'step_id', s.step_id, 'outcome', s.outcome, 'reason', s.reason, 'at', s.at) order by s.seq)
                    from automation_step_runs s where s.run_id = r.id), '[]'::json) as steps
        from automation_runs r
        where r.automation_id = ${id} and r.workspace_id = ${ctx.workspaceId}
          ${q.state ? sql`and r.state = ${q.state}` : sql``} ${q.contact_id ? sql`and r.contact_id = ${q.contact_id}::uuid` : sql``}
        order by r.id desc limit 500`,
  );
  const iso = (v: string | Date | null) => (v === null ? null : new Date(v).toISOString());
  return rows.map((r) => ({ ...r, due_at: iso(r.due_at), enrolled_at: iso(r.enrolled_at)!, finished_at: iso(r.finished_at), steps: r.steps.map((s) => ({ ...s, at: iso(s.at)! })) }));
}

