import { eq, sql } from 'drizzle-orm';
import { emitEvents } from '../hooks/index.js';
import { AppError } from '../../lib/errors.js';
import type { Page } from '../../lib/pagination.js';
import { workspaceRowsByTime } from '../sql.js';
import type { Ctx } from '../context.js';
import { recordAudit } from '../audit/index.js';
import { topicsById, topicsByKeys } from '../consent/index.js';
import { listNumberWabas } from '../numbers/index.js';
import { checkVariableMap, findSendableTemplate, getTemplateByName, templateDefOf, type VariableMap } from '../templates/index.js';
import { getWorkspaceSettings } from '../workspaces/index.js';
import { policyFrom, resolveTrackedLinks, type BroadcastStatus } from './broadcasts.rules.js';
import { createBroadcastIn, updateBroadcastIn, type BroadcastOut, type CreateBroadcastIn } from './broadcasts.schemas.js';
import { broadcasts } from './broadcasts.tables.js';
import { audiencePredicate, fallbackZoneOf, planBroadcast, snapshotRecipients } from './plan.service.js';
import { broadcastCounts, nextAttempt } from './progress.service.js';
import { conversionsOf } from './conversions.service.js';

import { loadBroadcast, type BroadcastRow } from './broadcast-row.js';
import { chooseBestHour } from './best-hour.service.js';
import { abTestInOf, abTestOf, abTestView, beginAbTest, resolveAbVariants, saveAbTest, splitOf } from './ab-test.service.js';

/** Template variables with tracked links replaced by a placeholder value, for checking against the template. */
function checkableVariables(vars: Record<string, unknown>): VariableMap {
  return resolveTrackedLinks(vars, () => ({ value: 'https://example.com/r/x' })).vars as VariableMap;
}

/** Checks the parts of a broadcast that refer to other objects; returns the resolved ids. */
async function resolveRefs(ctx: Ctx, data: CreateBroadcastIn): Promise<{ numberId: string; topicId: string; templateId: string; category: string }> {
  const [topic] = await topicsByKeys(ctx.db, ctx.workspaceId, [data.audience.topic], 'audience.topic').catch((err: unknown) => {
    if (err instanceof AppError) throw new AppError('BROADCAST_TOPIC_UNKNOWN', `audience.topic: no topic with key "${data.audience.topic}"; create it first (POST /api/v1/topics)`, { field: 'audience.topic' });
    throw err;
  });
  const numbers = await listNumberWabas(ctx.db, ctx.workspaceId);
  const number = data.number_id ? numbers.find((n) => n.id === data.number_id) : numbers.length === 1 ? numbers[0] : undefined;
  if (!number) {
    throw new AppError('VALIDATION_FAILED', data.number_id ? 'number_id: no such business number in this workspace' : 'number_id: this workspace has several (or no) business numbers; say which one sends', {
      fields: [{ field: 'number_id', message: 'pick a connected number (GET /api/v1/phone-numbers)' }],
    });
  }
  const tpl = await getTemplateByName(ctx.db, ctx.workspaceId, { wabaId: number.wabaId, name: data.template.name, language: data.template.language });
  if (!tpl) throw new AppError('TEMPLATE_NOT_FOUND', `template.name: no template "${data.template.name}" in ${data.template.language} on this number's account; sync or create it first`, { field: 'template.name' });
  // Why: Meta's policy and INV-CONSENT: a marketing template needs marketing consent, never a utility opt-in.
  if (tpl.category === 'MARKETING' && topic!.category !== 'marketing') {
    throw new AppError('BROADCAST_TOPIC_MISMATCH', `audience.topic: "${topic!.key}" is a ${topic!.category} topic; a MARKETING template may only go to people who agreed to marketing`, { field: 'audience.topic' });
  }
  const problems = checkVariableMap(templateDefOf(tpl), checkableVariables(data.template.variables ?? {}));
  for (const [k, v] of Object.entries(data.template.variables ?? {})) {
    if ('tracked_link' in v && (data.links ?? [])[v.tracked_link] === undefined) problems.push({ path: `template.variables["${k}"]`, problem: `tracked_link ${v.tracked_link} is not in links` });
  }
  if (problems.length > 0) throw new AppError('BROADCAST_VARIABLES_INVALID', `template.variables: ${problems[0]!.path}: ${problems[0]!.problem}`, { problems });
  await audiencePredicate(ctx, data.audience);
  return { numberId: number.id, topicId: topic!.id, templateId: tpl.id, category: tpl.category };
}

/** The stored columns of a checked draft (shared by create and update). */
function draftColumns(data: CreateBroadcastIn, refs: Awaited<ReturnType<typeof resolveRefs>>) {
  return {
    name: data.name,
    numberId: refs.numberId,
    topicId: refs.topicId,
    audience: {
      ...(data.audience.all_contacts ? { all_contacts: true } : data.audience.segment_id ? { segment_id: data.audience.segment_id } : { rules: data.audience.rules }),
      exclude: data.audience.exclude ?? [],
    },
    templateId: refs.templateId,
    templateName: data.template.name,
    templateLanguage: data.template.language,
    templateCategory: refs.category,
    variables: data.template.variables ?? {},
    links: data.links ?? [],
    schedule: data.schedule ?? { type: 'now' },
  };
}

/** Creates a draft broadcast after checking its topic, number, template, variables and audience rules. */
export async function createBroadcast(ctx: Ctx, input: unknown): Promise<BroadcastOut> {
  const data = createBroadcastIn.parse(input);
  const refs = await resolveRefs(ctx, data);
  const [row] = await ctx.db
    .insert(broadcasts)
    .values({
      workspaceId: ctx.workspaceId,
      ...draftColumns(data, refs),
      createdBy: ctx.actor.id,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    })
    .returning();
  if (data.ab_test) await saveAbTest(ctx.db, row!, data.ab_test, await resolveAbVariants(ctx, data, refs), ctx.now);
  await recordAudit(ctx, { action: 'broadcast.created', targetType: 'broadcast', targetId: row!.id, details: { template: data.template.name, topic: data.audience.topic } });
  return toBroadcastOut(ctx, row!);
}

/** Changes a draft (anything but its status). */
export async function updateBroadcast(ctx: Ctx, id: string, input: unknown): Promise<BroadcastOut> {
  const patch = updateBroadcastIn.parse(input);
  const cur = await loadBroadcast(ctx, id, true);
  if (cur.status !== 'draft') throw stateError(cur, 'change');
  const topicKey = (cur.topicId ? (await topicsById(ctx.db, ctx.workspaceId, [cur.topicId])).get(cur.topicId)?.key : undefined) ?? '';
  const merged: CreateBroadcastIn = {
    name: patch.name ?? cur.name,
    number_id: patch.number_id ?? cur.numberId ?? undefined,
    audience: patch.audience ?? { ...(cur.audience as { segment_id?: string; rules?: Record<string, unknown>; all_contacts?: true; exclude?: [] }), topic: topicKey },
    template: patch.template ?? { name: cur.templateName, language: cur.templateLanguage, variables: cur.variables as CreateBroadcastIn['template']['variables'] },
    links: patch.links ?? cur.links,
    schedule: (patch.schedule ?? cur.schedule) as CreateBroadcastIn['schedule'],
  };
  const curAb = patch.ab_test === undefined ? await abTestOf(ctx.db, id) : undefined;
  const ab = patch.ab_test === undefined ? (curAb ? abTestInOf(curAb) : null) : patch.ab_test;
  if (ab) merged.ab_test = ab;
  const data = createBroadcastIn.parse(merged);
  const refs = await resolveRefs(ctx, data);
  const [row] = await ctx.db
    .update(broadcasts)
    .set({
      ...draftColumns(data, refs),
      updatedAt: ctx.now,
    })
    .where(eq(broadcasts.id, id))
    .returning();
  await saveAbTest(ctx.db, row!, data.ab_test ?? null, data.ab_test ? await resolveAbVariants(ctx, data, refs) : [], ctx.now);
  await recordAudit(ctx, { action: 'broadcast.updated', targetType: 'broadcast', targetId: id, details: { fields: Object.keys(patch) } });
  return toBroadcastOut(ctx, row!);
}

function stateError(b: BroadcastRow, action: string): AppError {
  return new AppError('BROADCAST_STATE_INVALID', `cannot ${action} a broadcast that is ${b.status}`, { status: b.status });
}

/** The audience plan now: every exclusion by reason, sendable count, cost, messaging-limit spill. */
export async function estimateBroadcast(ctx: Ctx, id: string): Promise<Awaited<ReturnType<typeof planBroadcast>>> {
  const b = await loadBroadcast(ctx, id);
  return planBroadcast(ctx.db, ctx.workspaceId, b, ctx.now);
}

/**
 * Starts a draft: checks the template is approved, freezes the workspace's policies, and either
 * snapshots the recipients now (schedule now / local time) or waits for its start time.
 */
export async function startBroadcast(ctx: Ctx, id: string): Promise<BroadcastOut> {
  const b = await loadBroadcast(ctx, id, true);
  if (b.status !== 'draft') throw stateError(b, 'start');
  await findSendableTemplate(ctx, { name: b.templateName, language: b.templateLanguage, ...(b.numberId ? { numberId: b.numberId } : {}) });
  if (!b.numberId) throw new AppError('VALIDATION_FAILED', 'number_id: the business number of this broadcast was disconnected', { fields: [{ field: 'number_id', message: 'pick a connected number' }] });
  const settings = (await getWorkspaceSettings(ctx.db, ctx.workspaceId)) as Record<string, unknown>;
  const policy = policyFrom(settings.broadcasts as Record<string, unknown> | undefined);
  const s = b.schedule as { type: string; at?: string };
  if (s.type === 'at') {
    const at = new Date(s.at!);
    if (at.getTime() < ctx.now.getTime() - 60_000) throw new AppError('BROADCAST_SCHEDULE_INVALID', 'schedule.at is in the past; pick a later time or send now', { field: 'schedule.at' });
    const [row] = await ctx.db.update(broadcasts).set({ status: 'scheduled', startAt: at, policy: policy as unknown as Record<string, unknown>, updatedAt: ctx.now }).where(eq(broadcasts.id, id)).returning();
    await recordAudit(ctx, { action: 'broadcast.scheduled', targetType: 'broadcast', targetId: id, details: { at: s.at } });
    return toBroadcastOut(ctx, row!);
  }
  // A best-hour schedule is a local one whose time is the heatmap's best hour for that weekday, chosen now.
  const best = s.type === 'best_hour' ? await chooseBestHour(ctx, b.schedule as { date: string; fallback_time?: string }, (b.audience as { segment_id?: string }).segment_id) : null;
  const schedule = best ? { ...b.schedule, time: best.time } : b.schedule;
  const started = await beginSending(ctx, { ...b, schedule, plan: best ? { ...b.plan, best_hour: best } : b.plan, policy: policy as unknown as Record<string, unknown>, startAt: ctx.now });
  const late = (started.plan as { late?: number }).late ?? 0;
  // Why refuse: a past local date used to start sending at once, unlike a past `at`. Throwing rolls the snapshot back (the request's transaction).
  if (late > 0 && !(b.schedule as { send_late?: boolean }).send_late) {
    const local = schedule as { date: string; time: string };
    throw new AppError(
      'BROADCAST_SCHEDULE_INVALID',
      `schedule.date: ${local.date} ${local.time} has already passed in the time zone of ${late} recipient(s); pick a later date, or set schedule.send_late: true to send to them at once`,
      { field: 'schedule.date', late_recipients: late },
    );
  }
  await recordAudit(ctx, { action: 'broadcast.started', targetType: 'broadcast', targetId: id, details: { planned: (started.plan as { planned?: number }).planned ?? 0 } });
  return toBroadcastOut(ctx, started);
}

/** Snapshots recipients and moves a broadcast to `sending` (callers hold its row lock). */
export async function beginSending(ctx: Pick<Ctx, 'db' | 'workspaceId' | 'now'>, b: BroadcastRow): Promise<BroadcastRow> {
  const zone = await fallbackZoneOf(ctx.db, ctx.workspaceId, b.schedule);
  const ab = await abTestOf(ctx.db, b.id);
  const snap = await snapshotRecipients(ctx.db, b, ctx.now, zone, ab ? splitOf(ab) : undefined);
  if (ab) await beginAbTest(ctx.db, b.id, ctx.now);
  const [row] = await ctx.db
    .update(broadcasts)
    .set({ status: 'sending', policy: b.policy, startAt: b.startAt, startedAt: ctx.now, plan: { ...b.plan, ...snap, fallback_timezone: zone }, updatedAt: ctx.now })
    .where(eq(broadcasts.id, b.id))
    .returning();
  await emitEvents(ctx.db, ctx.workspaceId, [{ type: 'broadcast.started', data: { broadcast_id: b.id, name: b.name, template_name: b.templateName, number_id: b.numberId, planned: (snap as { planned?: number }).planned ?? 0, occurred_at: ctx.now.toISOString() } }], ctx.now);
  return row!;
}

const TRANSITIONS: Record<'pause' | 'resume' | 'cancel', { from: BroadcastStatus[] }> = {
  pause: { from: ['sending', 'scheduled'] },
  resume: { from: ['paused'] },
  cancel: { from: ['draft', 'scheduled', 'sending', 'paused'] },
};

/** Pause, resume or cancel. Cancelling withdraws every recipient not yet sent; requests in flight settle on their own. */
export async function changeBroadcastStatus(ctx: Ctx, id: string, action: 'pause' | 'resume' | 'cancel'): Promise<BroadcastOut> {
  const b = await loadBroadcast(ctx, id, true);
  if (!TRANSITIONS[action].from.includes(b.status as BroadcastStatus)) throw stateError(b, action);
  let status: BroadcastStatus = action === 'pause' ? 'paused' : action === 'cancel' ? 'cancelled' : b.startedAt ? 'sending' : 'scheduled';
  if (action === 'resume' && !b.startedAt && !b.startAt) status = 'draft';
  const [row] = await ctx.db
    .update(broadcasts)
    .set({
      status,
      pauseReason: action === 'pause' ? 'paused by a person' : null,
      pauseCode: action === 'pause' ? 'MANUAL' : null,
      ...(action === 'cancel' ? { finishedAt: ctx.now } : {}),
      updatedAt: ctx.now,
    })
    .where(eq(broadcasts.id, id))
    .returning();
  if (action === 'cancel') {
    await ctx.db.execute(sql`update broadcast_recipients set state = 'cancelled', reason = 'broadcast cancelled', locked_until = null, updated_at = ${ctx.now.toISOString()}::timestamptz
                             where broadcast_id = ${id} and state in ('queued', 'claimed')`);
  }
  await recordAudit(ctx, { action: `broadcast.${action === 'pause' ? 'paused' : action === 'resume' ? 'resumed' : 'cancelled'}`, targetType: 'broadcast', targetId: id });
  return toBroadcastOut(ctx, row!);
}

/** Deletes a draft (started broadcasts are history: cancel them instead). */
export async function deleteBroadcast(ctx: Ctx, id: string): Promise<void> {
  const b = await loadBroadcast(ctx, id, true);
  if (b.status !== 'draft') throw stateError(b, 'delete');
  await ctx.db.delete(broadcasts).where(eq(broadcasts.id, id));
  await recordAudit(ctx, { action: 'broadcast.deleted', targetType: 'broadcast', targetId: id });
}

/** One broadcast with live counts. */
export async function getBroadcast(ctx: Ctx, id: string): Promise<BroadcastOut> {
  return toBroadcastOut(ctx, await loadBroadcast(ctx, id));
}

/** The workspace's broadcasts, newest first. */
export async function listBroadcasts(ctx: Ctx, q: { limit: number; cursor?: string; status?: string }): Promise<Page<BroadcastOut>> {
  const page = await workspaceRowsByTime(ctx.db, broadcasts, {
    workspaceId: ctx.workspaceId,
    time: 'createdAt',
    order: 'newest',
    filters: [q.status ? eq(broadcasts.status, q.status) : undefined],
    limit: q.limit,
    cursor: q.cursor,
  });
  return { data: await Promise.all(page.data.map((r) => toBroadcastOut(ctx, r))), next_cursor: page.next_cursor };
}

/** The API shape, with counts from the recipient rows. */
export async function toBroadcastOut(ctx: Pick<Ctx, 'db'>, r: BroadcastRow): Promise<BroadcastOut> {
  const topic = r.topicId ? (await topicsById(ctx.db, r.workspaceId, [r.topicId])).get(r.topicId) : undefined;
  const progress = await broadcastCounts(ctx.db, r.id);
  const next = progress.counts.queued > 0 ? await nextAttempt(ctx.db, r.id) : null;
  const conversions = (await conversionsOf(ctx.db, r.workspaceId, [r.id])).get(r.id)!;
  const ab = await abTestOf(ctx.db, r.id);
  return {
    id: r.id,
    name: r.name,
    status: r.status,
    number_id: r.numberId,
    topic: topic?.key ?? null,
    audience: r.audience,
    template: { id: r.templateId, name: r.templateName, language: r.templateLanguage, category: r.templateCategory, variables: r.variables },
    links: r.links,
    schedule: r.schedule,
    start_at: r.startAt?.toISOString() ?? null,
    pause_reason: r.pauseReason,
    pause_code: r.pauseCode,
    plan: r.plan,
    counts: progress.counts,
    skipped_by_reason: progress.skippedByReason,
    excluded_by_reason: progress.excludedByReason,
    failed_by_code: progress.failedByCode,
    conversions,
    next_attempt_at: next?.at ?? null,
    next_attempt_reason: next?.reason ?? null,
    started_at: r.startedAt?.toISOString() ?? null,
    finished_at: r.finishedAt?.toISOString() ?? null,
    ab_test: ab ? await abTestView(ctx.db, ab, r.status) : null,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}
