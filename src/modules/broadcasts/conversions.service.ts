// Conversions and revenue (issue 17, funnel step 8): goal events credited to the last broadcast or
// automation step message sent to the contact before them, within the workspace's window
// (docs/design.md §24c). This service owns the rule and both credit tables.
import { param, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../context.js';
import { PURCHASE_EVENT, REFUND_EVENT } from '../engagement/index.js';
import { getWorkspaceSettings, type WorkspaceSettings } from '../workspaces/index.js';
import { queryRowsOf } from '../sql.js';

/** Days after a send in which a goal event is credited to it, unless the workspace sets another (1–30). */
export const DEFAULT_CONVERSION_WINDOW_DAYS = 7;

/** Revenue in one currency (amounts of different currencies are never added up). */
export interface Revenue {
  currency: string;
  amount: number;
}

/** A broadcast's conversions: contacts who converted, goal events credited, revenue per currency. */
export interface Conversions {
  converted: number;
  conversions: number;
  revenue: Revenue[];
}

/** The workspace's attribution rules: the window in days and the event types that are goals. */
export function conversionRulesOf(settings: WorkspaceSettings): { windowDays: number; eventTypes: string[] } {
  return { windowDays: settings.conversions?.window_days ?? DEFAULT_CONVERSION_WINDOW_DAYS, eventTypes: settings.conversions?.event_types ?? [PURCHASE_EVENT] };
}

/**
 * Credits newly recorded customer events, in the caller's transaction (the one that recorded them):
 * each goal event goes to the last message sent to its contact at or before the event (a broadcast
 * WhatsApp took, or an automation step's message that did not fail) and no more than the window
 * before it. One set-based statement for the whole batch, a few index probes per event
 * (broadcast_recipients_contact_sent_idx; automation_runs_contact_idx). `event_id` is the key, so running it again for the same
 * events (a retried request, a re-run after a crash) credits nothing twice. Returns how many were credited.
 */
export async function attributeConversions(db: Db, workspaceId: string, eventIds: number[], now: Date): Promise<number> {
  if (eventIds.length === 0) return 0;
  const credited = await creditGoalEvents(db, workspaceId, eventIds, now);
  await netRefunds(db, workspaceId, eventIds);
  return credited;
}

async function creditGoalEvents(db: Db, workspaceId: string, eventIds: number[], now: Date): Promise<number> {
  const rules = conversionRulesOf(await getWorkspaceSettings(db, workspaceId));
  // Why one statement with the touch picked first: an event is credited once, to whichever message
  // came last (a broadcast's or an automation step's), so totals across both never count it twice.
  // The `not exists` on the other table keeps that true if a re-run sees different sends (a message
  // that failed since). Why date_trunc on sent_at: events often carry whole-second times, and a
  // purchase in the same second as the send happened after it (the replies rule does the same).
  const rows = await queryRowsOf<{ n: string }>(
    db,
    sql`with touch as (
          select e.id, e.workspace_id, e.contact_id, e.occurred_at, e.amount, e.currency, t.kind, t.broadcast_id, t.automation_id, t.step_id, t.run_id, t.sent_at
          from contact_events e
            cross join lateral (
              select * from (${lastBroadcastTouch} union all ${lastAutomationTouch}) c
              order by c.sent_at desc, c.kind desc limit 1) t
          where e.workspace_id = ${workspaceId} and e.id = any(${param(eventIds)}::bigint[]) and e.type = any(${param(rules.eventTypes)}::text[])
            and t.sent_at >= e.occurred_at - make_interval(days => ${rules.windowDays})),
        b as (
          insert into broadcast_conversions (event_id, workspace_id, broadcast_id, contact_id, sent_at, occurred_at, amount, currency, attributed_at)
          select id, workspace_id, broadcast_id, contact_id, sent_at, occurred_at, amount, currency, ${now.toISOString()}::timestamptz from touch
          where kind = 'broadcast' and not exists (select 1 from automation_conversions x where x.event_id = touch.id)
          on conflict (event_id) do nothing
          returning 1),
        a as (
          insert into automation_conversions (event_id, workspace_id, automation_id, step_id, run_id, contact_id, sent_at, occurred_at, amount, currency, attributed_at)
          select id, workspace_id, automation_id, step_id, run_id, contact_id, sent_at, occurred_at, amount, currency, ${now.toISOString()}::timestamptz from touch
          where kind = 'automation' and not exists (select 1 from broadcast_conversions x where x.event_id = touch.id)
          on conflict (event_id) do nothing
          returning 1)
        select (select count(*) from b) + (select count(*) from a) as n`,
  );
  return Number(rows[0]?.n ?? 0);
}

/** The last broadcast message WhatsApp took (`accepted` or `uncertain`) for the event's contact at or before it (a lateral subquery over `e`). */
const lastBroadcastTouch = sql`(select 'broadcast'::text as kind, r.broadcast_id, null::uuid as automation_id, null::text as step_id, null::bigint as run_id, r.sent_at
    from broadcast_recipients r
    where r.workspace_id = e.workspace_id and r.contact_id = e.contact_id and r.sent_at is not null and r.state in ('accepted', 'uncertain')
      and date_trunc('second', r.sent_at) <= e.occurred_at
    order by r.sent_at desc limit 1)`;

/**
 * The last automation step message sent (and not failed) to the event's contact at or before it:
 * the workspace's automations (few) → the contact's runs (automation_runs_contact_idx) → their
 * sent steps → the outbox item → its message. The same path as the opt-out credit (analytics).
 */
const lastAutomationTouch = sql`(select 'automation'::text, null::uuid, s.automation_id, s.step_id, s.run_id, m.sent_at
    from automations au
      join automation_runs ar on ar.automation_id = au.id and ar.contact_id = e.contact_id
      join automation_step_runs s on s.run_id = ar.id and s.outbox_key is not null
      join outbox ob on ob.workspace_id = e.workspace_id and ob.dedupe_key = s.outbox_key
      join messages m on m.id = ob.message_id
    where au.workspace_id = e.workspace_id and m.failed_at is null and date_trunc('second', m.sent_at) <= e.occurred_at
    order by m.sent_at desc limit 1)`;

/**
 * Nets refunds out of credited revenue: for every order (`properties.order_id`, per contact) that
 * one of these events names, a purchase of that order credited to a broadcast or an automation step
 * gets `refunded` = the sum of the order's `refund` events in its currency, capped at its amount.
 * Why recomputed, not added: the same refund seen twice, or a refund that arrives before its
 * purchase is credited, still leaves the right figure (the purchase's own run nets the earlier refund).
 */
async function netRefunds(db: Db, workspaceId: string, eventIds: number[]): Promise<void> {
  const orders = sql`(select distinct e.contact_id, e.properties->>'order_id' as order_id
        from contact_events e
        where e.workspace_id = ${workspaceId} and e.id = any(${param(eventIds)}::bigint[]) and e.properties->>'order_id' is not null) o
      join contact_events p on p.workspace_id = ${workspaceId} and p.contact_id = o.contact_id and p.properties->>'order_id' = o.order_id`;
  const refunded = sql`least(c.amount, coalesce((
        select sum(r.amount) from contact_events r
        where r.workspace_id = ${workspaceId} and r.contact_id = c.contact_id and r.type = ${REFUND_EVENT}
          and r.properties->>'order_id' = o.order_id and r.amount is not null and (r.currency is null or r.currency = c.currency)), 0))`;
  const credited = sql`c.event_id = p.id and c.workspace_id = ${workspaceId} and c.amount is not null`;
  await db.execute(sql`update broadcast_conversions c set refunded = ${refunded} from ${orders} where ${credited}`);
  await db.execute(sql`update automation_conversions c set refunded = ${refunded} from ${orders} where ${credited}`);
}

/** A grouped row of credits: contacts converted, events credited, revenue per currency (amounts as exact text). */
type ConversionRow = { converted: string; conversions: string; revenue: { currency: string; amount: string }[] | null };

const toConversions = (r: ConversionRow): Conversions => ({
  converted: Number(r.converted),
  conversions: Number(r.conversions),
  revenue: (r.revenue ?? []).map((v) => ({ currency: v.currency, amount: Number(v.amount) })),
});

/** Revenue per currency, net of refunds, of the credits `y` that `credits` selects (`<table> y where …`), as a JSON array. */
const revenueJson = (credits: SQL) => sql`(select json_agg(json_build_object('currency', x.currency, 'amount', x.amount::text) order by x.currency)
    from (select currency, sum(amount - refunded) as amount from ${credits} and y.amount is not null and y.currency is not null group by currency) x)`;

/**
 * Conversions of some broadcasts (of one workspace): contacts converted, events credited and
 * revenue per currency, from broadcast_conversions by its broadcast index (no scan of the message log).
 */
export async function conversionsOf(db: Db, workspaceId: string, broadcastIds: string[]): Promise<Map<string, Conversions>> {
  const out = new Map<string, Conversions>(broadcastIds.map((id) => [id, { converted: 0, conversions: 0, revenue: [] }]));
  if (broadcastIds.length === 0) return out;
  const rows = await queryRowsOf<ConversionRow & { broadcast_id: string }>(
    db,
    sql`select c.broadcast_id, count(distinct c.contact_id) as converted, count(*) as conversions,
               ${revenueJson(sql`broadcast_conversions y where y.broadcast_id = c.broadcast_id`)} as revenue
        from broadcast_conversions c
        where c.workspace_id = ${workspaceId} and c.broadcast_id = any(${param(broadcastIds)}::uuid[])
        group by c.broadcast_id`,
  );
  for (const r of rows) out.set(r.broadcast_id, toConversions(r));
  return out;
}

/** Conversions credited to one automation's steps, per step id (same figures as a broadcast's). */
export async function stepConversionsOf(db: Db, workspaceId: string, automationId: string): Promise<Map<string, Conversions>> {
  const rows = await queryRowsOf<ConversionRow & { step_id: string }>(
    db,
    sql`select c.step_id, count(distinct c.contact_id) as converted, count(*) as conversions,
               ${revenueJson(sql`automation_conversions y where y.automation_id = c.automation_id and y.step_id = c.step_id`)} as revenue
        from automation_conversions c
        where c.workspace_id = ${workspaceId} and c.automation_id = ${automationId}
        group by c.automation_id, c.step_id`,
  );
  return new Map(rows.map((r) => [r.step_id, toConversions(r)]));
}

/** Forgets the credits of erased customer events (a shop that asked for its data to be deleted). */
export async function forgetConversionsOfEvents(db: Db, workspaceId: string, eventIds: number[]): Promise<void> {
  if (eventIds.length === 0) return;
  await db.execute(sql`delete from broadcast_conversions where workspace_id = ${workspaceId} and event_id = any(${param(eventIds)}::bigint[])`);
  await db.execute(sql`delete from automation_conversions where workspace_id = ${workspaceId} and event_id = any(${param(eventIds)}::bigint[])`);
}
