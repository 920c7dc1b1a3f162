import { and, desc, eq, lt, param, sql, type SQL } from 'drizzle-orm';
import { decodeCursor, toPage, type Page } from '../../lib/pagination.js';
import { consentSummaryOf } from '../consent/index.js';
import type { Ctx, Db } from '../context.js';
import { assertContact } from '../contacts/index.js';
import { getWorkspaceSettings } from '../workspaces/index.js';
import { queryRowsOf } from '../sql.js';
import { lifecycleThresholds, type LifecycleThresholds } from './lifecycle.rules.js';
import { contactLifecycle, lifecycleTransitions } from './lifecycle.tables.js';

const DAY_MS = 86_400_000;

/**
 * The stage rules, as one CASE over the contact, its engagement row and its consent summary.
 * Order matters: being unreachable or opted out of everything ends the relationship (churned);
 * an archived contact stays archived until it engages again; a fresh subscriber is onboarding;
 * then engagement recency decides between active/loyal/reactivating, at risk and dormant.
 * Returns text[2]: the stage and the reason recorded with a transition.
 */
function stageCase(t: LifecycleThresholds, now: Date): SQL {
  const ago = (days: number): SQL => sql`${new Date(now.getTime() - days * DAY_MS).toISOString()}::timestamptz`;
  const day = (col: SQL): SQL => sql`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD')`;
  const engagedRecently = sql`e.last_engaged_at >= ${ago(t.activeDays)}`;
  // The quiet clock (docs/design.md, Lifecycle stages): from the last engagement, else from joining,
  // but never before the business first messaged the contact. An import with consent collected
  // months ago, or a subscriber nobody has written to, is not quiet: nobody asked them anything yet.
  const joined = sql`coalesce(cs.joined_at, k.created_at)`;
  const quietSince = sql`greatest(coalesce(e.last_engaged_at, ${joined}), e.first_sent_at)`;
  const since = sql`case when e.first_sent_at > ${joined} then 'the first message on ' || ${day(sql`e.first_sent_at`)} else 'joining on ' || ${day(joined)} end`;
  return sql`case
    when k.unreachable_at is not null then array['churned', 'number is not on WhatsApp (marked unreachable)']
    when coalesce(cs.any_withdrawn, false) and not coalesce(cs.any_granted, false) then array['churned', 'opted out of every topic']
    when k.old = 'archived' and (e.last_engaged_at is null or e.last_engaged_at <= k.changed_at) then array['archived', 'archived; no engagement since']
    when ${t.autoArchive} and k.old = 'dormant' and e.last_sent_at > k.changed_at and e.last_sent_at <= ${ago(t.archiveAfterDays)}
         and (e.last_engaged_at is null or e.last_engaged_at < e.last_sent_at)
      then array['archived', 'stayed dormant through the win-back message of ' || ${day(sql`e.last_sent_at`)}]
    when cs.joined_at >= ${ago(t.onboardingDays)} and k.old in ('new', 'onboarding', 'churned')
      then array['onboarding', 'subscribed on ' || ${day(sql`cs.joined_at`)}]
    when ${engagedRecently} and k.old in ('dormant', 'archived')
      then array['reactivating', 'engaged again on ' || ${day(sql`e.last_engaged_at`)} || ' after being ' || k.old]
    when ${engagedRecently} and k.old = 'reactivating' and k.changed_at >= ${ago(t.reactivatingDays)}
      then array['reactivating', 'back since ' || ${day(sql`k.changed_at`)}]
    when ${engagedRecently} and (e.purchases_count >= ${t.loyalMinPurchases} or e.replied_90d >= ${t.loyalMinReplies90d})
      then array['loyal', e.purchases_count || ' purchases, ' || e.replied_90d || ' replies in 90 days']
    when ${engagedRecently} then array['active', 'last engaged on ' || ${day(sql`e.last_engaged_at`)}]
    when not coalesce(cs.any_granted, false) and e.last_engaged_at is null then array['new', 'no consent and no engagement yet']
    when e.first_sent_at is null and e.last_engaged_at is null and coalesce(cs.any_granted, false)
      then array['onboarding', 'subscribed on ' || ${day(sql`cs.joined_at`)} || '; not messaged yet']
    when e.first_sent_at is null or ${quietSince} >= ${ago(t.dormantDays)}
      then array['at_risk', case when e.last_engaged_at is null then 'no engagement since ' || ${since}
                                 else 'last engaged on ' || ${day(sql`e.last_engaged_at`)} end || ' (quiet for more than ${sql.raw(String(t.activeDays))} days)']
    else array['dormant', case when e.last_engaged_at is null then 'never engaged since ' || ${since}
                               else 'nothing read, replied or bought since ' || ${day(sql`e.last_engaged_at`)} end || ' (dormant after ${sql.raw(String(t.dormantDays))} days)']
  end`;
}

/**
 * Re-evaluates the stage of the selected contacts in one statement: computes each stage, moves
 * the ones that changed and records every transition with its reason. `selection` is a
 * condition on `c` (an id range for bulk runs, an id list for immediate re-evaluation).
 */
async function evaluateSelection(db: Db, workspaceId: string, selection: SQL, t: LifecycleThresholds, now: Date): Promise<{ evaluated: number; changed: number; byStage: Record<string, number> }> {
  const rows = await queryRowsOf<{ to_stage: string | null; n: number }>(
    db,
    sql`
    with k as (
      -- No contact_lifecycle row: the contact is 'new' and has not changed stage since it was created.
      -- LATERAL … LIMIT 1 keeps this a per-contact lookup on the primary key: as a plain left join,
      -- PostgreSQL 15 hashed a sequential scan of all 900,000 rows for each 5,000-contact chunk (0.4 s).
      select c.id, coalesce(l.stage, 'new') as old, coalesce(l.changed_at, c.created_at) as changed_at, c.unreachable_at, c.created_at
      from contacts c
      left join lateral (select l.stage, l.changed_at from contact_lifecycle l where l.contact_id = c.id limit 1) l on true
      where c.workspace_id = ${workspaceId} and ${selection}
    ),
    x as (
      -- LATERAL: a per-contact lookup on the consent state's primary key. As a grouped CTE joined
      -- afterwards, PostgreSQL misjudged the chunk as one row and re-scanned the summary per contact
      -- (5,000 × 2,400 rows, 5 s a chunk).
      -- The engagement row by LATERAL … LIMIT 1 too: as a plain left join, PostgreSQL hashed a
      -- sequential scan of all 700,000 engagement rows for every 10,000-contact chunk (250 ms of 680).
      select k.id, k.old, ${stageCase(t, now)} as verdict
      from k
      left join lateral (select e.* from contact_engagement e where e.contact_id = k.id limit 1) e on true
      left join lateral ${consentSummaryOf(sql`k.id`, workspaceId)} cs on true
    ),
    changed as (select id, old, verdict from x where verdict[1] <> old),
    moved as (
      -- Only changed stages are written, into the narrow contact_lifecycle row (no contacts row is
      -- touched). The guard skips a row another transaction already moved to the same stage.
      insert into contact_lifecycle as l (contact_id, workspace_id, stage, changed_at)
      select id, ${workspaceId}::uuid, verdict[1], ${now.toISOString()}::timestamptz from changed
      on conflict (contact_id) do update set stage = excluded.stage, changed_at = excluded.changed_at
      where l.stage is distinct from excluded.stage
      returning l.contact_id
    ),
    logged as (
      insert into lifecycle_transitions (workspace_id, contact_id, from_stage, to_stage, reason, occurred_at)
      select ${workspaceId}::uuid, ch.id, ch.old, ch.verdict[1], ch.verdict[2], ${now.toISOString()}::timestamptz
      from changed ch join moved m on m.contact_id = ch.id
      returning to_stage
    )
    select to_stage, count(*)::int as n from logged group by to_stage
    union all select null, count(*)::int from k`,
  );
  const byStage: Record<string, number> = {};
  let evaluated = 0;
  for (const r of rows) {
    if (r.to_stage === null) evaluated = r.n;
    else byStage[r.to_stage] = r.n;
  }
  return { evaluated, changed: Object.values(byStage).reduce((a, b) => a + b, 0), byStage };
}

/**
 * Re-evaluates a few contacts now, inside the caller's transaction: after an inbound message,
 * a purchase or an opt-out, the stage should not wait for the next bulk run.
 */
export async function evaluateLifecycleFor(db: Db, workspaceId: string, contactIds: string[], now: Date): Promise<number> {
  if (contactIds.length === 0) return 0;
  const t = lifecycleThresholds(await getWorkspaceSettings(db, workspaceId));
  return (await evaluateSelection(db, workspaceId, sql`c.id = any(${param(contactIds)}::uuid[])`, t, now)).changed;
}

/** Re-evaluates one chunk of a bulk run (an explicit list of contact ids). */
export async function evaluateLifecycleChunk(db: Db, workspaceId: string, contactIds: string[], t: LifecycleThresholds, now: Date): Promise<{ evaluated: number; changed: number; byStage: Record<string, number> }> {
  return evaluateSelection(db, workspaceId, sql`c.id = any(${param(contactIds)}::uuid[])`, t, now);
}

const TRANSITIONS_CURSOR = { id: 'int' } as const;

/** A page of a contact's stage transitions, newest first (keyset on the transition id). */
export async function listContactTransitions(ctx: Ctx, contactId: string, q: { limit: number; cursor?: string }): Promise<Page<{ from: string; to: string; reason: string; at: string }>> {
  await assertContact(ctx, contactId);
  const after = decodeCursor(q.cursor, TRANSITIONS_CURSOR);
  const rows = await ctx.db
    .select()
    .from(lifecycleTransitions)
    .where(and(eq(lifecycleTransitions.contactId, contactId), eq(lifecycleTransitions.workspaceId, ctx.workspaceId), after ? lt(lifecycleTransitions.id, after.id) : undefined))
    .orderBy(desc(lifecycleTransitions.id))
    .limit(q.limit + 1);
  return toPage(rows, q.limit, (r) => ({ from: r.fromStage, to: r.toStage, reason: r.reason, at: r.occurredAt.toISOString() }), (r) => ({ id: Number(r.id) }));
}

/** A contact's current stage and its transitions, newest first (the latest 200; page through all of them with listContactTransitions). */
export async function getContactLifecycle(ctx: Ctx, contactId: string): Promise<{ stage: string; changed_at: string | null; transitions: { from: string; to: string; reason: string; at: string }[] }> {
  await assertContact(ctx, contactId);
  // No row yet: the contact is 'new' and has never changed stage.
  const [c = { stage: 'new', changedAt: null }] = await ctx.db
    .select({ stage: contactLifecycle.stage, changedAt: contactLifecycle.changedAt })
    .from(contactLifecycle)
    .where(and(eq(contactLifecycle.contactId, contactId), eq(contactLifecycle.workspaceId, ctx.workspaceId)));
  const rows = await ctx.db
    .select()
    .from(lifecycleTransitions)
    .where(and(eq(lifecycleTransitions.contactId, contactId), eq(lifecycleTransitions.workspaceId, ctx.workspaceId)))
    .orderBy(desc(lifecycleTransitions.id))
    .limit(200);
  return {
    stage: c.stage,
    changed_at: c.changedAt ? c.changedAt.toISOString() : null,
    transitions: rows.map((r) => ({ from: r.fromStage, to: r.toStage, reason: r.reason, at: r.occurredAt.toISOString() })),
  };
}
