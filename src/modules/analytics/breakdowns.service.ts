// Broadcast funnels per template, segment and opt-in source (issue 17). Templates and segments sum
// the funnel rollup (broadcast_funnel_counts plus undrained deltas) of the period's broadcasts in one
// grouped query; opt-in sources need the recipient rows (the rollup is per broadcast, not per person),
// one grouped pass over the period's broadcasts' recipients, each probing its first grant once.
// Conversions (converted recipients, revenue per currency) come from the broadcasts' credited goal
// events (broadcast_conversions, docs/design.md §24c) grouped by the same key.
import { sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { firstOptinJoin } from '../consent/index.js';
import { breakdownQuery, type Breakdown, type BreakdownFunnel, type BreakdownOut } from './breakdowns.schemas.js';
import { periodEnd, periodStart, resolvePeriod, SOURCE_LABELS, type Period } from './growth.service.js';

const FIGURES = ['planned', 'skipped', 'sent', 'delivered', 'read', 'replied', 'clicked', 'opted_out', 'failed'] as const;
const RATES = ['delivered', 'read', 'replied', 'clicked', 'opted_out', 'converted'] as const;

type Row = { key: string; label: string | null; broadcasts: string | number } & Record<(typeof FIGURES)[number], string | number | null>;

/** The period's broadcasts (started in it, drafts excluded) with a group key and label. */
function periodBroadcasts(ctx: Ctx, p: Period, key: SQL, label: SQL): SQL {
  return sql`select b.id, ${key} as key, ${label} as label from broadcasts b
    where b.workspace_id = ${ctx.workspaceId} and b.status <> 'draft' and b.started_at is not null
      and b.started_at >= ${periodStart(p)} and b.started_at < ${periodEnd(p)}`;
}

/** `sum(<n>) filter (where <metric> = 'x') as x` for every funnel figure. */
const sums = (n: SQL, metric: SQL) => sql.join(FIGURES.map((f) => sql`coalesce(sum(${n}) filter (where ${metric} = ${f}), 0) as ${sql.raw(f)}`), sql`, `);

/** Funnels of the period's broadcasts grouped by a key over the rollup: one statement, no recipient scan. */
async function rollupGroups(ctx: Ctx, p: Period, key: SQL, label: SQL): Promise<Row[]> {
  return queryRowsOf<Row>(
    ctx.db,
    sql`with b as (${periodBroadcasts(ctx, p, key, label)}),
        m as (
          select c.broadcast_id, c.metric, c.n from broadcast_funnel_counts c join b on b.id = c.broadcast_id where c.workspace_id = ${ctx.workspaceId}
          union all
          select d.broadcast_id, x.metric, d.n from broadcast_funnel_deltas d join b on b.id = d.broadcast_id
            cross join lateral unnest(broadcast_funnel_metrics(d.state, d.rank, d.reason, d.code, d.replied, d.clicked, d.opted_out)) as x(metric)
          where d.workspace_id = ${ctx.workspaceId})
        select b.key, min(b.label) as label, count(distinct b.id) as broadcasts, ${sums(sql`m.n`, sql`m.metric`)}
        from b left join m on m.broadcast_id = b.id group by b.key`,
  );
}

/** Funnels of the period's broadcast recipients grouped by the opt-in source they first joined through. */
async function optinSourceGroups(ctx: Ctx, p: Period): Promise<Row[]> {
  // Grants naming a source group by it; others by their channel (import, api…); no grant at all is "none".
  const rows = await queryRowsOf<Row>(
    ctx.db,
    sql`with b as (${periodBroadcasts(ctx, p, sql`null::text`, sql`null::text`)}),
        g as (
          select coalesce(fo.source_id, 'channel:' || fo.source, 'none') as key, count(distinct r.broadcast_id) as broadcasts, ${sums(sql`1`, sql`x.metric`)}
          from b join broadcast_recipients r on r.broadcast_id = b.id and r.workspace_id = ${ctx.workspaceId}
            ${firstOptinJoin(sql`r.contact_id`, ctx.workspaceId, 'fo')}
            cross join lateral unnest(broadcast_funnel_metrics(r.state, r.delivery_rank, case when r.state in ('skipped', 'excluded') then r.reason end,
              case when r.state = 'failed' then coalesce(r.error_code, 0) end, r.replied_at is not null, r.clicked_at is not null, r.opted_out_at is not null)) as x(metric)
          group by 1)
        select g.*, s.name as label from g left join optin_sources s on s.workspace_id = ${ctx.workspaceId} and s.id::text = g.key`,
  );
  return rows.map((r) => ({ ...r, label: optinLabel(r.key, r.label) }));
}

/** Converted recipients and revenue (per currency, never added across currencies) of one group. */
type GroupConversions = { converted: number; revenue: { currency: string; amount: number }[] };

/**
 * Conversions of the period's broadcasts per group key: a recipient (contact, broadcast) who
 * converted counts once however many goal events were credited; revenue sums every credited event, net of refunds.
 * `optin` groups by the contact's first opt-in source, as `optinSourceGroups` does.
 */
async function conversionGroups(ctx: Ctx, p: Period, key: SQL, optin: boolean): Promise<Map<string, GroupConversions>> {
  const groupKey = optin ? sql`coalesce(fo.source_id, 'channel:' || fo.source, 'none')` : sql`b.key`;
  const rows = await queryRowsOf<{ key: string; converted: string | null; currency: string | null; amount: string | null }>(
    ctx.db,
    sql`with b as (${periodBroadcasts(ctx, p, key, sql`null::text`)}),
        k as (
          select ${groupKey} as key, c.broadcast_id, c.contact_id, c.amount - c.refunded as amount, c.currency
          from broadcast_conversions c join b on b.id = c.broadcast_id
            ${optin ? firstOptinJoin(sql`c.contact_id`, ctx.workspaceId, 'fo') : sql``}
          where c.workspace_id = ${ctx.workspaceId})
        select key, count(distinct (broadcast_id, contact_id))::text as converted, null::text as currency, null::text as amount from k group by key
        union all
        select key, null, currency, sum(amount)::text from k where amount is not null and currency is not null group by key, currency
        order by 1, 3`,
  );
  const out = new Map<string, GroupConversions>();
  for (const r of rows) {
    const g = out.get(r.key) ?? { converted: 0, revenue: [] };
    if (r.converted !== null) g.converted = Number(r.converted);
    else g.revenue.push({ currency: r.currency!, amount: Number(r.amount) });
    out.set(r.key, g);
  }
  return out;
}

/** What an opt-in source group is called: the source's name, the channel's, or that none was recorded. */
function optinLabel(key: string, name: string | null): string {
  if (key === 'none') return 'No opt-in recorded';
  if (key.startsWith('channel:')) return SOURCE_LABELS[key.slice(8)] ?? key.slice(8);
  return name ?? 'Deleted opt-in source';
}

const TEMPLATE_KEY = sql`b.template_name || ':' || b.template_language`;
const TEMPLATE_LABEL = sql`b.template_name || ' (' || b.template_language || ')'`;
const SEGMENT_KEY = sql`case when b.audience->>'segment_id' is not null then b.audience->>'segment_id' when b.audience->'rules' is not null then 'rules' else 'all_contacts' end`;

/** Segment label: the saved segment's name, else what the audience was. */
const segmentLabel = (ctx: Ctx) =>
  sql`case when b.audience->>'segment_id' is not null
        then coalesce((select s.name from segments s where s.workspace_id = ${ctx.workspaceId} and s.id::text = b.audience->>'segment_id'), 'Deleted segment')
        when b.audience->'rules' is not null then 'Custom rules' else 'All contacts' end`;

/** Broadcast funnels over a period grouped by template, audience segment or the recipients' first opt-in source, most sent first. */
export async function getBreakdown(ctx: Ctx, by: Breakdown, input: unknown): Promise<BreakdownOut> {
  const q = breakdownQuery.parse(input);
  const p = await resolvePeriod(ctx, q, (x) => breakdownQuery.parse(x));
  const rows =
    by === 'template' ? await rollupGroups(ctx, p, TEMPLATE_KEY, TEMPLATE_LABEL) : by === 'segment' ? await rollupGroups(ctx, p, SEGMENT_KEY, segmentLabel(ctx)) : await optinSourceGroups(ctx, p);
  const conversions = await conversionGroups(ctx, p, by === 'template' ? TEMPLATE_KEY : SEGMENT_KEY, by === 'optin_source');
  const groups = rows.map((r) => {
    const c = conversions.get(r.key) ?? { converted: 0, revenue: [] };
    const funnel = { ...Object.fromEntries(FIGURES.map((f) => [f, Number(r[f] ?? 0)])), converted: c.converted } as BreakdownFunnel;
    const rates = Object.fromEntries(RATES.map((f) => [f, funnel.sent === 0 ? null : funnel[f] / funnel.sent])) as BreakdownOut['groups'][number]['rates'];
    return { key: r.key, label: r.label ?? r.key, broadcasts: Number(r.broadcasts), funnel, rates, revenue: c.revenue };
  });
  groups.sort((x, y) => y.funnel.sent - x.funnel.sent || x.label.localeCompare(y.label) || x.key.localeCompare(y.key));
  return { timezone: p.zone, from: p.from, to: p.to, by, groups };
}

/** Header of a breakdown CSV (conversions last, so older readers of the first columns are unchanged). */
export const BREAKDOWN_CSV_HEADER = ['key', 'label', 'broadcasts', ...FIGURES, ...RATES.filter((f) => f !== 'converted').map((f) => `${f}_rate`), 'converted', 'converted_rate', 'revenue'];

const rateCell = (r: number | null) => (r === null ? null : Number(r.toFixed(4)));

/** A breakdown as CSV rows (rates as fractions of sent with 4 decimals, empty when nothing was sent; revenue as "21.00 EUR; 5.00 USD"). */
export async function* breakdownCsvRows(ctx: Ctx, by: Breakdown, input: unknown): AsyncGenerator<(string | number | null)[]> {
  const out = await getBreakdown(ctx, by, input);
  for (const g of out.groups) {
    yield [
      g.key,
      g.label,
      g.broadcasts,
      ...FIGURES.map((f) => g.funnel[f]),
      ...RATES.filter((f) => f !== 'converted').map((f) => rateCell(g.rates[f])),
      g.funnel.converted,
      rateCell(g.rates.converted),
      g.revenue.map((v) => `${v.amount.toFixed(2)} ${v.currency}`).join('; '),
    ];
  }
}
