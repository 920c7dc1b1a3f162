import { eq, param, sql, type SQL } from 'drizzle-orm';
import { AppError } from '../../lib/errors.js';
import { silentLogger } from '../../lib/logger.js';
import { recordAudit } from '../audit/index.js';
import { SYSTEM_ACTOR, type Ctx, type Db } from '../context.js';
import { listNumberWabas } from '../numbers/index.js';
import { checkVariableMap, getTemplateByName, templateDefOf, type VariableMap } from '../templates/index.js';
import { queryRowsOf } from '../sql.js';
import { AB_BUCKETS, AB_HOLDOUT, AB_REST, AB_VARIANT_KEYS, rankVariants, rateOf, splitProblems, type AbMetric, type AbSplit, type VariantOutcome } from './ab-test.rules.js';
import { loadBroadcast } from './broadcast-row.js';
import { resolveTrackedLinks } from './broadcasts.rules.js';
import type { AbTestIn, AbTestOut, CreateBroadcastIn } from './broadcasts.schemas.js';
import { broadcastAbTests } from './broadcasts.tables.js';

type AbRow = typeof broadcastAbTests.$inferSelect;

/** A variant as stored: its template (resolved to an id when saved) and its variables. */
export interface StoredVariant {
  key: string;
  template_id: string;
  template_name: string;
  template_language: string;
  variables: Record<string, unknown>;
}

/** `not_before` of rest rows until a winner is picked: far enough that no claim takes them (claims read due rows only). */
export const REST_HELD_UNTIL = '9999-12-31T00:00:00Z';


function invalid(path: string, message: string): AppError {
  return new AppError('AB_TEST_INVALID', `${path}: ${message}`, { path, field: path });
}

/**
 * Checks an A/B test against the broadcast it belongs to and resolves each variant's template:
 * 2–4 variants, percentages that add up to at most 100, known templates of the broadcast's
 * category and variables that fit each template. Throws a 422 naming the field (`details.path`).
 */
export async function resolveAbVariants(ctx: Ctx, data: CreateBroadcastIn, refs: { numberId: string; category: string }): Promise<StoredVariant[]> {
  const ab = data.ab_test!;
  const [problem] = splitProblems({ variants: ab.variants.length, testPercent: ab.test_percent, holdoutPercent: ab.holdout_percent ?? 0 });
  if (problem) throw invalid(problem.path, problem.problem);
  const wabaId = (await listNumberWabas(ctx.db, ctx.workspaceId)).find((n) => n.id === refs.numberId)!.wabaId;
  const out: StoredVariant[] = [];
  for (const [i, v] of ab.variants.entries()) {
    const path = `ab_test.variants[${i}]`;
    const name = v.template?.name ?? data.template.name;
    const language = v.template?.language ?? data.template.language;
    const tpl = await getTemplateByName(ctx.db, ctx.workspaceId, { wabaId, name, language });
    if (!tpl) throw invalid(`${path}.template.name`, `no template "${name}" in ${language} on this number's account; sync or create it first`);
    // Why: the broadcast's category decides consent (marketing vs utility), caps and quiet hours for every recipient.
    if (tpl.category !== refs.category) throw invalid(`${path}.template.name`, `"${name}" is ${tpl.category}; every variant must be ${refs.category} like the broadcast's template`);
    const sameTemplate = name === data.template.name && language === data.template.language;
    const variables = (v.variables ?? (sameTemplate ? data.template.variables : undefined) ?? {}) as Record<string, unknown>;
    const checkable = resolveTrackedLinks(variables, () => ({ value: 'https://example.com/r/x' })).vars as VariableMap;
    const problems = checkVariableMap(templateDefOf(tpl), checkable);
    for (const [k, src] of Object.entries(variables)) {
      const n = (src as { tracked_link?: number }).tracked_link;
      if (n !== undefined && (data.links ?? [])[n] === undefined) problems.push({ path: `["${k}"]`, problem: `tracked_link ${n} is not in links` });
    }
    if (problems.length > 0) {
      throw new AppError('BROADCAST_VARIABLES_INVALID', `${path}.variables: ${problems[0]!.path}: ${problems[0]!.problem}`, { path: `${path}.variables`, field: `${path}.variables`, problems });
    }
    out.push({ key: AB_VARIANT_KEYS[i]!, template_id: tpl.id, template_name: tpl.name, template_language: tpl.language, variables });
  }
  return out;
}

/** Stores (or, with null, removes) the A/B test of a draft. */
export async function saveAbTest(db: Db, b: { id: string; workspaceId: string }, ab: AbTestIn | null, variants: StoredVariant[], now: Date): Promise<void> {
  if (!ab) {
    await db.delete(broadcastAbTests).where(eq(broadcastAbTests.broadcastId, b.id));
    return;
  }
  const cols = {
    variants: variants as unknown as Record<string, unknown>[],
    testPercent: ab.test_percent,
    holdoutPercent: ab.holdout_percent ?? 0,
    metric: ab.metric,
    windowHours: ab.window_hours,
    autoSendWinner: ab.send_winner === 'auto',
    updatedAt: now,
  };
  await db.insert(broadcastAbTests).values({ broadcastId: b.id, workspaceId: b.workspaceId, ...cols }).onConflictDoUpdate({ target: broadcastAbTests.broadcastId, set: cols });
}

/** The A/B test of a broadcast, if it has one. */
export async function abTestOf(db: Db, broadcastId: string): Promise<AbRow | undefined> {
  const [row] = await db.select().from(broadcastAbTests).where(eq(broadcastAbTests.broadcastId, broadcastId));
  return row;
}

/** The A/B tests of some broadcasts, by broadcast id (the dispatcher compiles their variants). */
export async function abTestsOf(db: Db, broadcastIds: string[]): Promise<Map<string, AbRow>> {
  if (broadcastIds.length === 0) return new Map();
  const rows = await queryRowsOf<{ broadcast_id: string }>(db, sql`select broadcast_id from broadcast_ab_tests where broadcast_id = any(${param(broadcastIds)}::uuid[])`);
  const out = new Map<string, AbRow>();
  for (const r of rows) {
    const row = await abTestOf(db, r.broadcast_id);
    if (row) out.set(r.broadcast_id, row);
  }
  return out;
}

/** The stored test as the API input shape (to keep it when a draft is updated without `ab_test`). */
export function abTestInOf(a: AbRow): AbTestIn {
  const variants = (a.variants as unknown as StoredVariant[]).map((v) => ({ template: { name: v.template_name, language: v.template_language }, variables: v.variables as NonNullable<AbTestIn['variants'][number]['variables']> }));
  return { variants, test_percent: a.testPercent, holdout_percent: a.holdoutPercent, metric: a.metric as AbMetric, window_hours: a.windowHours, send_winner: a.autoSendWinner ? 'auto' : 'confirm' };
}

/** The split of a stored test. */
export function splitOf(a: AbRow): AbSplit {
  return { variants: (a.variants as unknown[]).length, testPercent: a.testPercent, holdoutPercent: a.holdoutPercent };
}

/**
 * The SQL group of contact `c` in broadcast `broadcastId`: the same value as abGroupOf(abBucket(…))
 * (ab-test.rules.ts), computed in the snapshot's INSERT … SELECT.
 */
export function abGroupSql(broadcastId: string, s: AbSplit): SQL {
  const bucket = sql`((('x' || substr(md5(${broadcastId}::text || ':' || c.id::text), 1, 8))::bit(32)::bigint % ${AB_BUCKETS}))`;
  const test = Math.round(s.testPercent * (AB_BUCKETS / 100));
  const holdout = Math.round(s.holdoutPercent * (AB_BUCKETS / 100));
  return sql`case when ${bucket} < ${test} then chr(65 + (${bucket} * ${s.variants} / ${test})::int)
    when ${bucket} < ${test + holdout} then ${AB_HOLDOUT} else ${AB_REST} end`;
}

/** Moves a test to `testing` when its broadcast starts sending: the window runs from now. */
export async function beginAbTest(db: Db, broadcastId: string, now: Date): Promise<void> {
  await db.execute(sql`update broadcast_ab_tests set status = 'testing', test_ends_at = ${now.toISOString()}::timestamptz + make_interval(hours => window_hours), updated_at = ${now.toISOString()}::timestamptz
                       where broadcast_id = ${broadcastId} and status = 'not_started'`);
}

type GroupCounts = Omit<VariantOutcome, 'key'> & { key: string; recipients: number };

/** Per-group counts of a test's recipients, in one grouped scan of its rows. */
async function groupCounts(db: Db, a: AbRow): Promise<GroupCounts[]> {
  const rows = await queryRowsOf<Record<string, string>>(
    db,
    sql`select r.variant as key, count(*) as recipients,
          count(*) filter (where r.state = 'accepted' or (r.state = 'failed' and r.delivery_rank >= 2)) as sent,
          count(*) filter (where r.delivery_rank >= 3) as delivered,
          count(*) filter (where r.delivery_rank >= 4) as read,
          count(r.replied_at) as replied,
          count(r.clicked_at) as clicked,
          -- A conversion is a goal event credited to this broadcast (broadcast_conversions, §24c: the
          -- workspace's goal types, last touch) that happened within the test's window after the send.
          count(*) filter (where r.sent_at is not null and exists (
            select 1 from broadcast_conversions c where c.broadcast_id = r.broadcast_id and c.contact_id = r.contact_id
              and c.occurred_at < r.sent_at + make_interval(hours => ${a.windowHours}))) as converted
        from broadcast_recipients r where r.broadcast_id = ${a.broadcastId} and r.variant is not null
        group by r.variant`,
  );
  return rows.map((r) => ({
    key: r.key!,
    recipients: Number(r.recipients),
    sent: Number(r.sent),
    delivered: Number(r.delivered),
    read: Number(r.read),
    replied: Number(r.replied),
    clicked: Number(r.clicked),
    converted: Number(r.converted),
  }));
}

const EMPTY = { recipients: 0, sent: 0, delivered: 0, read: 0, replied: 0, clicked: 0, converted: 0 };

/** A test with its per-group results, leader and confidence (the `ab_test` of a broadcast); given the broadcast's status, a finished one reads done. */
export async function abTestView(db: Db, a: AbRow, broadcastStatus?: string): Promise<AbTestOut> {
  const counts = a.status === 'not_started' ? [] : await groupCounts(db, a);
  const variants = a.variants as unknown as StoredVariant[];
  const row = (key: string, v?: StoredVariant) => {
    const c = counts.find((x) => x.key === key) ?? { key, ...EMPTY };
    return {
      ...c,
      template: v ? { name: v.template_name, language: v.template_language } : null,
      variables: v ? v.variables : null,
      rates: { delivered: rateOf(c.delivered, c.sent), read: rateOf(c.read, c.sent), replied: rateOf(c.replied, c.sent), clicked: rateOf(c.clicked, c.sent), converted: rateOf(c.converted, c.sent) },
    };
  };
  const tested = variants.map((v) => row(v.key, v));
  const ranked = a.status === 'not_started' ? null : rankVariants(tested, a.metric as AbMetric);
  return {
    // The rest may all have gone before the sweep marks the test done: a finished broadcast says so at once.
    status: (a.status === 'rest_sending' && (broadcastStatus === 'completed' || broadcastStatus === 'cancelled') ? 'done' : a.status) as AbTestOut['status'],
    test_percent: a.testPercent,
    holdout_percent: a.holdoutPercent,
    metric: a.metric,
    window_hours: a.windowHours,
    send_winner: a.autoSendWinner ? 'auto' : 'confirm',
    test_ends_at: a.testEndsAt?.toISOString() ?? null,
    variants: [...tested, row(AB_HOLDOUT), row(AB_REST)],
    leader: ranked?.best ?? null,
    runner_up: ranked?.runnerUp ?? null,
    comparison: ranked ? ranked.test : null,
    winner: a.winner,
    picked_by: a.pickedBy,
    picked_at: a.pickedAt?.toISOString() ?? null,
  };
}

/**
 * Records the winner and releases the rest (one conditional update on the test's status, so the
 * rest is released once whoever calls): its queued rows become due now, and go through the
 * claim like any other row, so consent, suppression, quiet hours, the cap and pacing are checked
 * again when each is sent. Returns false when the test was no longer waiting for a winner.
 */
async function releaseRest(db: Db, a: AbRow, winner: string, pickedBy: string, now: Date): Promise<boolean> {
  const nowIso = now.toISOString();
  const results = await abTestView(db, a);
  const done = await queryRowsOf<{ status: string }>(
    db,
    sql`update broadcast_ab_tests a set winner = ${winner}, picked_by = ${pickedBy}, picked_at = ${nowIso}::timestamptz, results_at_pick = ${JSON.stringify(results)}::jsonb,
          status = case when exists (select 1 from broadcast_recipients r where r.broadcast_id = a.broadcast_id and r.variant = ${AB_REST} and r.state = 'queued') then 'rest_sending' else 'done' end,
          updated_at = ${nowIso}::timestamptz
        where a.broadcast_id = ${a.broadcastId} and a.status in ('testing', 'waiting_for_pick') returning a.status`,
  );
  if (done.length === 0) return false;
  await db.execute(sql`update broadcast_recipients set not_before = ${nowIso}::timestamptz, reason = null, updated_at = ${nowIso}::timestamptz
                       where broadcast_id = ${a.broadcastId} and variant = ${AB_REST} and state = 'queued'`);
  return true;
}

/**
 * "Send the winner to the rest" (`POST /broadcasts/:id/ab/pick-winner`): picks the best variant by
 * the metric, or `variant` to override, and releases the rest. Allowed while testing (ends the test
 * early) or waiting for the pick; once only.
 */
export async function pickAbWinner(ctx: Ctx, id: string, input: { variant?: string | undefined }): Promise<AbTestOut> {
  const b = await loadBroadcast(ctx, id, true);
  const [a] = await ctx.db.select().from(broadcastAbTests).where(eq(broadcastAbTests.broadcastId, id)).for('update');
  if (!a) throw new AppError('AB_TEST_STATE_INVALID', 'this broadcast has no A/B test', { status: 'none' });
  if (b.status === 'cancelled') throw new AppError('AB_TEST_STATE_INVALID', 'the broadcast was cancelled; nothing more is sent', { status: a.status });
  if (a.status !== 'testing' && a.status !== 'waiting_for_pick') {
    throw new AppError('AB_TEST_STATE_INVALID', a.status === 'not_started' ? 'the test has not started; start the broadcast first' : `the winner was already picked (${a.winner}); the rest is sent once`, { status: a.status });
  }
  const keys = (a.variants as unknown as StoredVariant[]).map((v) => v.key);
  if (input.variant !== undefined && !keys.includes(input.variant)) throw invalid('variant', `this test has variants ${keys.join(', ')}`);
  const view = await abTestView(ctx.db, a);
  const winner = input.variant ?? view.leader ?? keys[0]!;
  if (!(await releaseRest(ctx.db, a, winner, ctx.actor.id ?? 'system', ctx.now))) throw new AppError('AB_TEST_STATE_INVALID', 'the winner was already picked', { status: a.status });
  await recordAudit(ctx, { action: 'broadcast.ab_winner_picked', targetType: 'broadcast', targetId: id, details: { winner, overridden: input.variant !== undefined && input.variant !== view.leader } });
  return abTestView(ctx.db, (await abTestOf(ctx.db, id))!);
}

/**
 * The A/B winner sweep (every worker runs it; see entrypoints/sweeps.ts): tests whose window has
 * ended get their winner (auto) or wait for a person (confirm); tests whose rest has drained are
 * done; tests of cancelled broadcasts are done. Rows are claimed with FOR UPDATE SKIP LOCKED and
 * every status change is conditional, so two workers never pick or release twice.
 */
export async function sweepAbTests(db: Db, now: Date): Promise<{ picked: number; waiting: number; done: number }> {
  const nowIso = now.toISOString();
  let picked = 0;
  let waiting = 0;
  const due = await db.transaction(async (tx) => {
    const rows = await queryRowsOf<{ broadcast_id: string }>(
      tx,
      sql`select a.broadcast_id from broadcast_ab_tests a join broadcasts b on b.id = a.broadcast_id
          where a.status = 'testing' and a.test_ends_at <= ${nowIso}::timestamptz and b.status <> 'cancelled'
          order by a.test_ends_at limit 50 for update of a skip locked`,
    );
    for (const r of rows) {
      const a = (await abTestOf(tx, r.broadcast_id))!;
      if (!a.autoSendWinner) {
        await tx.execute(sql`update broadcast_ab_tests set status = 'waiting_for_pick', updated_at = ${nowIso}::timestamptz where broadcast_id = ${a.broadcastId} and status = 'testing'`);
        waiting++;
        continue;
      }
      const view = await abTestView(tx, a);
      const winner = view.leader ?? (a.variants as unknown as StoredVariant[])[0]!.key;
      if (await releaseRest(tx, a, winner, 'auto', now)) {
        await recordAudit({ db: tx, workspaceId: a.workspaceId, actor: SYSTEM_ACTOR, now, log: silentLogger() }, { action: 'broadcast.ab_winner_picked', targetType: 'broadcast', targetId: a.broadcastId, details: { winner, overridden: false } });
        picked++;
      }
    }
    return rows.length;
  });
  const finished = await queryRowsOf<{ broadcast_id: string }>(
    db,
    sql`update broadcast_ab_tests a set status = 'done', updated_at = ${nowIso}::timestamptz
        from broadcasts b where b.id = a.broadcast_id and (
          (a.status = 'rest_sending' and not exists (select 1 from broadcast_recipients r where r.broadcast_id = a.broadcast_id and r.variant = ${AB_REST} and r.state in ('queued', 'claimed', 'sending', 'uncertain')))
          or (a.status in ('testing', 'waiting_for_pick', 'rest_sending') and b.status = 'cancelled'))
        returning a.broadcast_id`,
  );
  void due;
  return { picked, waiting, done: finished.length };
}
