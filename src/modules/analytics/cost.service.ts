// What messages cost: per UTC month (Meta bills per UTC day), recipient country and pricing
// category, the estimate (templates sent, priced by the category they were sent as) against what
// Meta's pricing in status webhooks said is billable. Counts come from the cost rollup
// (cost.rollup.ts); prices from the workspace's rate card at read time, so a corrected card
// re-prices the past at once.
import { sql } from 'drizzle-orm';
import type { Ctx } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { getWorkspaceSettings, rateCardOf, rateOf } from '../workspaces/index.js';
import { costQuery, monthsBetween, type CostOut } from './cost.schemas.js';

type Figures = CostOut['totals'];
const zero = (): Figures => ({ sent: 0, estimated_cost: 0, billable: 0, actual_cost: 0 });
const money = (x: number) => Math.round(x * 10_000) / 10_000;

/** The month `offset` months after `month` ("2026-12", 1 → "2027-01"). */
function addMonths(month: string, offset: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + offset, 1));
  return d.toISOString().slice(0, 7);
}

/** The cost report for a period of months (input validated here: the API and the CSV share it). */
export async function getCost(ctx: Ctx, input: unknown): Promise<CostOut> {
  const q = costQuery.parse(input);
  const to = q.to ?? ctx.now.toISOString().slice(0, 7);
  const from = q.from ?? addMonths(to, -2);
  const settings = (await getWorkspaceSettings(ctx.db, ctx.workspaceId)) as Record<string, unknown>;
  const { card, own } = rateCardOf(settings);
  const found = await queryRowsOf<{ month: string; country: string; category: string; kind: string; n: string }>(
    ctx.db,
    sql`select to_char(day, 'YYYY-MM') as month, country, category, kind, sum(messages) as n from analytics_cost_days
        where workspace_id = ${ctx.workspaceId} and day >= ${`${from}-01`}::date and day < ${`${addMonths(to, 1)}-01`}::date
        group by 1, 2, 3, 4 order by 1, 2, 3`,
  );
  const rows = new Map<string, CostOut['rows'][number]>();
  for (const f of found) {
    const key = `${f.month}|${f.country}|${f.category}`;
    const rate = rateOf(card, f.country === 'unknown' ? '*' : f.country, f.category);
    const row = rows.get(key) ?? { month: f.month, country: f.country, category: f.category, rate, ...zero() };
    const n = Number(f.n);
    if (f.kind === 'estimated') row.sent += n;
    else row.billable += n;
    row.estimated_cost = money(row.sent * rate);
    row.actual_cost = money(row.billable * rate);
    rows.set(key, row);
  }
  const months = Array.from({ length: monthsBetween(from, to) }, (_, i) => ({ month: addMonths(from, i), ...zero() }));
  const byMonth = new Map(months.map((m) => [m.month, m]));
  const totals = zero();
  for (const r of rows.values()) {
    for (const into of [byMonth.get(r.month)!, totals]) {
      into.sent += r.sent;
      into.billable += r.billable;
      into.estimated_cost = money(into.estimated_cost + r.estimated_cost);
      into.actual_cost = money(into.actual_cost + r.actual_cost);
    }
  }
  return { currency: card.currency, rate_card: own ? 'workspace' : 'default', from, to, totals, months, rows: [...rows.values()] };
}

/** The CSV's columns: one row per month, country and category. */
export const COST_CSV_HEADER = ['month', 'country', 'category', 'currency', 'rate', 'sent', 'estimated_cost', 'billable', 'actual_cost'];

/** The cost report as CSV rows. */
export async function* costCsvRows(ctx: Ctx, input: unknown): AsyncGenerator<(string | number | null)[]> {
  const c = await getCost(ctx, input);
  for (const r of c.rows) yield [r.month, r.country, r.category, c.currency, r.rate, r.sent, r.estimated_cost, r.billable, r.actual_cost];
}
