// The growth rollup: folds the deltas the consent-ledger trigger appends into quarter-hour buckets
// and opt-out rows, crediting each opt-out to the latest broadcast or automation send within 72 h
// before it. One statement per batch: the deltas are deleted (SKIP LOCKED, so several workers
// share the work and none waits) and folded in the same transaction, so a crash loses nothing and
// nothing is counted twice.
import { sql } from 'drizzle-orm';
import type { Db } from '../context.js';
import { queryRowsOf } from '../sql.js';

/** How far back a send is credited with an opt-out (as for a broadcast's own opt-out count). */
export const OPT_OUT_CREDIT_HOURS = 72;
/**
 * How long an event waits for the message it came from (by wamid) to be stored. Why: a STOP is
 * committed at webhook intake, its message by processing moments later; the message names the
 * business number it came in on. Past this the event is counted with no number.
 */
export const NUMBER_WAIT_S = 60;
/** Deltas folded per statement. */
export const GROWTH_BATCH = 5000;

// Why date_trunc('second', sent_at) <= occurred_at: WhatsApp stamps a STOP in whole seconds, so a
// send at 10:00:00.400 answered by a STOP stamped 10:00:00 came before it.
const window = (at: ReturnType<typeof sql>, occurred: ReturnType<typeof sql>) =>
  sql`date_trunc('second', ${at}) <= ${occurred} and ${at} > ${occurred} - make_interval(hours => ${OPT_OUT_CREDIT_HOURS})`;

/**
 * Folds up to `limit` pending deltas into the rollup; returns how many. Why deltas of deleted
 * workspaces are dropped (the join): their ledger went with them.
 */
export async function rollUpGrowth(db: Db, limit = GROWTH_BATCH): Promise<number> {
  const rows = await queryRowsOf<{ n: number }>(
    db,
    sql`with d as (
          delete from analytics_growth_deltas where id in (
            select id from analytics_growth_deltas q
            where q.wamid is null or q.recorded_at < now() - make_interval(secs => ${NUMBER_WAIT_S})
               or exists (select 1 from messages m where m.workspace_id = q.workspace_id and m.wamid = q.wamid)
            order by id limit ${limit} for update skip locked)
          returning workspace_id, event_id, contact_id, topic_id, action, source, wamid, first_of_act, occurred_at),
        x as (
          select d.*, m.number_id from d join workspaces w on w.id = d.workspace_id
          left join messages m on d.wamid is not null and m.workspace_id = d.workspace_id and m.wamid = d.wamid),
        b as (
          insert into analytics_growth_buckets as g (workspace_id, bucket, action, source, topic_id, number_id, events, acts)
          select workspace_id, date_bin('15 minutes', occurred_at, timestamptz '2000-01-01 00:00:00+00'), action, source, topic_id, number_id,
                 count(*), count(*) filter (where first_of_act)
          from x group by 1, 2, 3, 4, 5, 6
          on conflict on constraint analytics_growth_buckets_uq do update set events = g.events + excluded.events, acts = g.acts + excluded.acts
          returning 1),
        acts as (
          select min(event_id) filter (where first_of_act) as event_id, workspace_id, contact_id, source, occurred_at,
                 case when bool_or(topic_id is null) then null else array_agg(topic_id order by event_id) end as topic_ids
          from x where action = 'withdraw' group by workspace_id, contact_id, source, occurred_at),
        o as (
          insert into analytics_opt_outs (event_id, workspace_id, contact_id, occurred_at, source, topic_ids, credited_kind, credited_id, credited_step_id)
          select a.event_id, a.workspace_id, (select c.id from contacts c where c.id = a.contact_id), a.occurred_at, a.source, a.topic_ids,
                 coalesce(cr.kind, 'none'), cr.id, cr.step_id
          from acts a
          left join lateral (
            select * from (
              (select 'broadcast'::text as kind, br.broadcast_id as id, null::text as step_id, br.sent_at as at
               from broadcast_recipients br
               where br.workspace_id = a.workspace_id and br.contact_id = a.contact_id and br.sent_at is not null and ${window(sql`br.sent_at`, sql`a.occurred_at`)}
               order by br.sent_at desc limit 1)
              union all
              (select 'automation'::text, s.automation_id, s.step_id, m.sent_at
               from automations au
               join automation_runs r on r.automation_id = au.id and r.contact_id = a.contact_id
               join automation_step_runs s on s.run_id = r.id and s.outbox_key is not null
               join outbox ob on ob.workspace_id = a.workspace_id and ob.dedupe_key = s.outbox_key
               join messages m on m.id = ob.message_id
               where au.workspace_id = a.workspace_id and ${window(sql`m.sent_at`, sql`a.occurred_at`)}
               order by m.sent_at desc limit 1)
            ) c order by c.at desc limit 1
          ) cr on a.contact_id is not null
          where a.event_id is not null
          on conflict (event_id) do nothing
          returning 1)
        select (select count(*) from d)::int as n, (select count(*) from b)::int as b, (select count(*) from o)::int as o`,
  );
  return rows[0]?.n ?? 0;
}

/** Drains every pending delta (tests, the backfill, a loop pass that found a full batch). */
export async function rollUpAllGrowth(db: Db, limit = GROWTH_BATCH): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await rollUpGrowth(db, limit);
    total += n;
    if (n < limit) return total;
  }
}

/**
 * Vacuums the delta table (outside any transaction). Why: every delta is deleted moments after it
 * is written, and PGlite has no autovacuum; without this its dead rows would only be pruned page
 * by page. On PostgreSQL autovacuum does the same, and this is cheap when there is nothing to do.
 */
export async function vacuumGrowthDeltas(db: Db): Promise<0> {
  // The cost rollup's deltas (cost.rollup.ts) churn the same way.
  await db.execute(sql`vacuum analytics_growth_deltas, analytics_cost_deltas`);
  // Nothing to report (a count would log the sweep every time).
  return 0;
}
