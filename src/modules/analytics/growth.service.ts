// List growth and opt-out reports over a period of days in the workspace's time zone, read from
// the rollup (growth.rollup.ts): quarter-hour buckets summed per local day, never the ledger.
import { sql } from 'drizzle-orm';
import type { Ctx } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { getWorkspaceSettings } from '../workspaces/index.js';
import { listTopics } from '../consent/index.js';
import { listNumbers } from '../numbers/index.js';
import { GROWTH_DEFAULT_DAYS, growthQuery, type GrowthOut } from './growth.schemas.js';

/** A period resolved against the workspace's zone: the days and the UTC instants that bound them. */
export interface Period {
  zone: string;
  from: string;
  to: string;
}

const dayIn = (d: Date, zone: string) => new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
const addDays = (day: string, days: number) => new Date(Date.parse(day) + days * 86_400_000).toISOString().slice(0, 10);

/** Every date from `from` to `to`, both included. */
export function daysOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** The workspace's zone and the period asked for, defaults filled (the last 30 days to today). */
export async function resolvePeriod(ctx: Ctx, q: { from?: string | undefined; to?: string | undefined }, check: (p: { from: string; to: string }) => unknown): Promise<Period> {
  const settings = await getWorkspaceSettings(ctx.db, ctx.workspaceId);
  const zone = typeof settings.timezone === 'string' ? settings.timezone : 'UTC';
  const to = q.to ?? dayIn(ctx.now, zone);
  const from = q.from ?? addDays(to, -(GROWTH_DEFAULT_DAYS - 1));
  // The schema checks the pair when both are given; with a default on one side, check again.
  check({ from, to });
  return { zone, from, to };
}

/** The period's bounds as SQL timestamptz expressions (local midnights in the zone). */
export const periodStart = (p: Period) => sql`(${p.from}::date::timestamp at time zone ${p.zone})`;
export const periodEnd = (p: Period) => sql`((${p.to}::date + 1)::timestamp at time zone ${p.zone})`;

/** Display names of the consent ledger's sources (channels). */
export const SOURCE_LABELS: Record<string, string> = {
  web_form: 'Web form',
  qr_keyword: 'QR code / keyword',
  inbound_message: 'WhatsApp message',
  api: 'API',
  import: 'Import',
  agent: 'Agent',
  double_opt_in: 'Double opt-in',
  stop_keyword: 'STOP keyword',
  stop_button: 'Stop button',
  user_preferences: 'WhatsApp marketing preference',
  delivery_failure: 'Marketing refused by the person (131050)',
  erasure: 'Erasure',
  preference_centre: 'Preference centre',
};

type Cell = { day: string; key: string | null; ins: number; outs: number; act_ins: number; act_outs: number };

/** Growth per local day and group (`by`): grants and withdrawals; topics count ledger rows, the rest people's acts. */
async function growthCells(ctx: Ctx, p: Period, by: 'source' | 'topic' | 'number'): Promise<Cell[]> {
  const key = by === 'source' ? sql`source` : by === 'topic' ? sql`topic_id::text` : sql`number_id::text`;
  const n = by === 'topic' ? sql`events` : sql`acts`;
  // Why the date is grouped first and formatted after: to_char per bucket row was most of the cost.
  return queryRowsOf<Cell>(
    ctx.db,
    sql`select d::text as day, key, ins, outs, act_ins, act_outs from (
          select (bucket at time zone ${p.zone})::date as d, ${key} as key,
                 coalesce(sum(${n}) filter (where action = 'grant'), 0)::int as ins, coalesce(sum(${n}) filter (where action = 'withdraw'), 0)::int as outs,
                 coalesce(sum(acts) filter (where action = 'grant'), 0)::int as act_ins, coalesce(sum(acts) filter (where action = 'withdraw'), 0)::int as act_outs
          from analytics_growth_buckets
          where workspace_id = ${ctx.workspaceId} and bucket >= ${periodStart(p)} and bucket < ${periodEnd(p)}
          group by 1, 2) g`,
  );
}

/** Labels of the groups: topic names, numbers as displayed, source names. */
async function groupLabels(ctx: Ctx, by: 'source' | 'topic' | 'number'): Promise<(key: string) => string> {
  if (by === 'source') return (k) => SOURCE_LABELS[k] ?? k;
  if (by === 'topic') {
    const names = new Map((await listTopics(ctx.db, ctx.workspaceId)).map((t) => [t.id, t.name]));
    return (k) => (k === 'all' ? 'All topics' : (names.get(k) ?? 'Deleted topic'));
  }
  const page = await listNumbers(ctx, { limit: 1000 });
  const numbers = new Map(page.data.map((n) => [n.id, n.display_number]));
  return (k) => (k === 'unknown' ? 'Unknown number' : (numbers.get(k) ?? 'Removed number'));
}

const emptyKey = (by: 'source' | 'topic' | 'number') => (by === 'topic' ? 'all' : 'unknown');
const fig = (ins: number, outs: number) => ({ opt_ins: ins, opt_outs: outs, net: ins - outs });

/** List growth over a period (workspace time zone): per day, per group, in total. */
export async function getGrowth(ctx: Ctx, input: unknown): Promise<GrowthOut & { cells: Cell[] }> {
  const q = growthQuery.parse(input);
  const p = await resolvePeriod(ctx, q, (x) => growthQuery.parse({ ...x, by: q.by }));
  const cells = (await growthCells(ctx, p, q.by)).map((c) => ({ ...c, key: c.key ?? emptyKey(q.by) }));
  const label = await groupLabels(ctx, q.by);
  const perDay = new Map<string, [number, number]>();
  const perGroup = new Map<string, [number, number]>();
  const totals: [number, number] = [0, 0];
  for (const c of cells) {
    const d = perDay.get(c.day) ?? [0, 0];
    perDay.set(c.day, [d[0] + c.ins, d[1] + c.outs]);
    const g = perGroup.get(c.key!) ?? [0, 0];
    perGroup.set(c.key!, [g[0] + c.ins, g[1] + c.outs]);
    // By topic the groups count per topic; the totals still count people's acts (each act's first row carries it).
    totals[0] += c.act_ins;
    totals[1] += c.act_outs;
  }
  const total = totals;
  const days = daysOf(p.from, p.to).map((date) => ({ date, ...fig(...(perDay.get(date) ?? [0, 0])) }));
  const groups = [...perGroup.entries()]
    .map(([key, [ins, outs]]) => ({ key, label: label(key), ...fig(ins, outs) }))
    .sort((a, b) => b.opt_ins - a.opt_ins || a.opt_outs - b.opt_outs || a.label.localeCompare(b.label));
  return { timezone: p.zone, from: p.from, to: p.to, by: q.by, days, groups, totals: fig(...total), cells: cells as Cell[] };
}

/** Growth as CSV lines' cells: every day × every group of the period (zeros included). */
export async function* growthCsvRows(ctx: Ctx, input: unknown): AsyncGenerator<(string | number)[]> {
  const g = await getGrowth(ctx, input);
  const byCell = new Map(g.cells.map((c) => [`${c.day}/${c.key}`, c]));
  for (const d of g.days) {
    for (const grp of g.groups) {
      const c = byCell.get(`${d.date}/${grp.key}`);
      const ins = c?.ins ?? 0;
      const outs = c?.outs ?? 0;
      yield [d.date, grp.label, ins, outs, ins - outs];
    }
  }
}

