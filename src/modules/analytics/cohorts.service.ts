// Engagement cohorts: contacts grouped by the month of their first opt-in, and how many of each
// group still read or reply 1, 3 and 6 calendar months later. One grouped query.
import { sql } from 'drizzle-orm';
import type { Ctx } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { firstGrantsSql } from '../consent/index.js';
import { getWorkspaceSettings } from '../workspaces/index.js';
import { type COHORT_OFFSETS, cohortsQuery, type CohortsOut } from './cohorts.schemas.js';

type Row = { month: string; contacts: number; m1: number; m3: number; m6: number };

const monthIn = (d: Date, zone: string) => new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit' }).format(d).slice(0, 7);
/** `month` (YYYY-MM) moved by `n` months. */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const i = y * 12 + (m - 1) + n;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

/**
 * Per opt-in month (the workspace-local month of a contact's first grant): the cohort's size and,
 * for month k = 1, 3, 6 after it, the contacts who during that calendar month read an outbound
 * message (status_rank >= 4, timed by its last status) or sent one (an inbound message).
 */
async function cohortRows(ctx: Ctx, zone: string, first: string): Promise<Row[]> {
  const start = sql`(${`${first}-01`}::date::timestamp at time zone ${zone})`;
  const monthOf = (t: ReturnType<typeof sql>) => sql`date_trunc('month', ${t} at time zone ${zone})::date`;
  const after = (k: number) => sql`(c.m + make_interval(months => ${k}::int))::date`;
  return queryRowsOf<Row>(
    ctx.db,
    sql`with cohort as (
          select f.contact_id, ${monthOf(sql`f.first_at`)} as m from (${firstGrantsSql(ctx.workspaceId)}) f where f.first_at >= ${start}),
        acts as (
          select m.contact_id, ${monthOf(sql`coalesce(m.status_at, m.sent_at)`)} as am from messages m
            where m.workspace_id = ${ctx.workspaceId} and m.contact_id is not null and m.direction = 'out' and m.status_rank >= 4 and coalesce(m.status_at, m.sent_at) >= ${start}
          union
          select m.contact_id, ${monthOf(sql`m.sent_at`)} from messages m
            where m.workspace_id = ${ctx.workspaceId} and m.contact_id is not null and m.direction = 'in' and m.sent_at >= ${start})
        select to_char(c.m, 'YYYY-MM') as month, count(distinct c.contact_id)::int as contacts,
               count(distinct a.contact_id) filter (where a.am = ${after(1)})::int as m1,
               count(distinct a.contact_id) filter (where a.am = ${after(3)})::int as m3,
               count(distinct a.contact_id) filter (where a.am = ${after(6)})::int as m6
        from cohort c left join acts a on a.contact_id = c.contact_id and a.am in (${after(1)}, ${after(3)}, ${after(6)})
        group by c.m`,
  );
}

/** The cohort report for the last `months` opt-in months (the current one included), oldest first. */
export async function getCohorts(ctx: Ctx, input: unknown): Promise<CohortsOut> {
  const q = cohortsQuery.parse(input);
  const settings = await getWorkspaceSettings(ctx.db, ctx.workspaceId);
  const zone = typeof settings.timezone === 'string' ? settings.timezone : 'UTC';
  const current = monthIn(ctx.now, zone);
  const first = addMonths(current, -(q.months - 1));
  const found = new Map((await cohortRows(ctx, zone, first)).map((r) => [r.month, r]));
  const cohorts: CohortsOut['cohorts'] = [];
  for (let i = 0; i < q.months; i += 1) {
    const month = addMonths(first, i);
    const r = found.get(month);
    const contacts = r?.contacts ?? 0;
    const at = (k: (typeof COHORT_OFFSETS)[number], n: number) => {
      if (addMonths(month, k) > current) return { engaged: null, share: null };
      return { engaged: n, share: contacts === 0 ? null : n / contacts };
    };
    cohorts.push({ month, contacts, month_1: at(1, r?.m1 ?? 0), month_3: at(3, r?.m3 ?? 0), month_6: at(6, r?.m6 ?? 0) });
  }
  return { timezone: zone, months: q.months, cohorts };
}

/** Header of the cohorts CSV. */
export const COHORTS_CSV_HEADER = ['opt_in_month', 'contacts', 'month_1_engaged', 'month_1_share', 'month_3_engaged', 'month_3_share', 'month_6_engaged', 'month_6_share'];

/** The cohort report as CSV rows: one per opt-in month, shares as fractions (empty: not yet / empty cohort). */
export async function* cohortsCsvRows(ctx: Ctx, input: unknown): AsyncGenerator<(string | number | null)[]> {
  const r = await getCohorts(ctx, input);
  for (const c of r.cohorts) yield [c.month, c.contacts, c.month_1.engaged, c.month_1.share, c.month_3.engaged, c.month_3.share, c.month_6.engaged, c.month_6.share];
}
