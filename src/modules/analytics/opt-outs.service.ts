// Opt-out reports: the reasons people gave ("why are you leaving?", the consent module's opt-out
// notes) and the message credited with each opt-out (fixed at roll-up, growth.rollup.ts).
import { sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { optOutsQuery, type OptOutsOut } from './growth.schemas.js';
import { periodEnd, periodStart, resolvePeriod, type Period } from './growth.service.js';

/** How long after an opt-out the person's answer to "why are you leaving?" counts as its reason. */
export const REASON_WINDOW_DAYS = 7;
/** Reasons listed by name; the rest are only in the CSV. */
export const TOP_REASONS = 20;
/** The reason of an opt-out with no answer. */
export const NO_REASON = 'no reason given';
const PAGE = 2000;

// Why a join and not a lookup per opt-out: one pass over the period's reason notes (their index is
// by workspace, kind and time), matched to opt-outs by person and time.
function withReasons(ctx: Ctx, p: Period, extra: SQL = sql``): SQL {
  return sql`o as (select * from analytics_opt_outs where workspace_id = ${ctx.workspaceId} and occurred_at >= ${periodStart(p)} and occurred_at < ${periodEnd(p)} ${extra}),
    n as (select contact_id, created_at, nullif(lower(regexp_replace(btrim(text), '[[:space:]]+', ' ', 'g')), '') as reason from opt_out_notes
          where workspace_id = ${ctx.workspaceId} and kind = 'reason' and created_at >= ${periodStart(p)} and created_at < ${periodEnd(p)} + make_interval(days => ${REASON_WINDOW_DAYS})),
    r as (select distinct on (o.event_id) o.*, n.reason from o
          left join n on n.contact_id = o.contact_id and n.reason is not null and n.created_at >= o.occurred_at and n.created_at < o.occurred_at + make_interval(days => ${REASON_WINDOW_DAYS})
          order by o.event_id, n.created_at)`;
}

/** The period's reasons: each opt-out's first answer, counted (opt-outs with none are left to the caller). */
function givenReasons(ctx: Ctx, p: Period): SQL {
  return sql`with o as (select event_id, contact_id, occurred_at from analytics_opt_outs where workspace_id = ${ctx.workspaceId} and occurred_at >= ${periodStart(p)} and occurred_at < ${periodEnd(p)} and contact_id is not null),
    n as (select contact_id, created_at, nullif(lower(regexp_replace(btrim(text), '[[:space:]]+', ' ', 'g')), '') as reason from opt_out_notes
          where workspace_id = ${ctx.workspaceId} and kind = 'reason' and created_at >= ${periodStart(p)} and created_at < ${periodEnd(p)} + make_interval(days => ${REASON_WINDOW_DAYS})),
    r as (select distinct on (o.event_id) n.reason from o
          join n on n.contact_id = o.contact_id and n.reason is not null and n.created_at >= o.occurred_at and n.created_at < o.occurred_at + make_interval(days => ${REASON_WINDOW_DAYS})
          order by o.event_id, n.created_at)
    select reason, count(*)::int as count from r group by reason order by count desc, reason`;
}

const creditedName = sql`case r.credited_kind when 'broadcast' then (select b.name from broadcasts b where b.id = r.credited_id and b.workspace_id = r.workspace_id)
  when 'automation' then (select a.name from automations a where a.id = r.credited_id and a.workspace_id = r.workspace_id) end`;

/** Opt-outs over a period: total, reasons (top 20 and "no reason given"), and what came before. */
export async function getOptOuts(ctx: Ctx, input: unknown): Promise<OptOutsOut> {
  const q = optOutsQuery.parse(input);
  const p = await resolvePeriod(ctx, q, (x) => optOutsQuery.parse(x));
  // Why only the opt-outs with an answer are joined and sorted: most have none; they are the total less those.
  const reasons = await queryRowsOf<{ reason: string; count: number }>(ctx.db, givenReasons(ctx, p));
  const [counted] = await queryRowsOf<{ n: number }>(
    ctx.db,
    sql`select count(*)::int as n from analytics_opt_outs where workspace_id = ${ctx.workspaceId} and occurred_at >= ${periodStart(p)} and occurred_at < ${periodEnd(p)}`,
  );
  const preceding = await queryRowsOf<{ kind: 'broadcast' | 'automation' | 'none'; id: string | null; step_id: string | null; count: number; name: string | null }>(
    ctx.db,
    sql`select r.*, ${creditedName} as name from (
          select credited_kind as kind, credited_id as id, credited_step_id as step_id, count(*)::int as count, workspace_id, credited_kind, credited_id
          from analytics_opt_outs where workspace_id = ${ctx.workspaceId} and occurred_at >= ${periodStart(p)} and occurred_at < ${periodEnd(p)}
          group by credited_kind, credited_id, credited_step_id, workspace_id) r
        order by r.count desc, r.kind, r.id nulls last, r.step_id nulls last`,
  );
  const total = counted?.n ?? 0;
  const none = total - reasons.reduce((s, r) => s + r.count, 0);
  const given = reasons.slice(0, TOP_REASONS);
  return {
    from: p.from,
    to: p.to,
    total,
    reasons: [...given.map((r) => ({ reason: r.reason, count: r.count })), ...(none > 0 ? [{ reason: NO_REASON, count: none }] : [])],
    preceding: preceding.map((r) => ({ kind: r.kind, id: r.id, name: r.name, step_id: r.step_id, count: r.count })),
  };
}

type CsvRow = { occurred_at: string; event_id: string; contact_id: string | null; source: string; topics: string | null; reason: string | null; credited_kind: string; credited_id: string | null; name: string | null };

/** The CSV header of the opt-outs download. */
export const OPT_OUTS_CSV_HEADER = ['occurred_at', 'contact_id', 'source', 'topic', 'reason', 'preceding_kind', 'preceding_id', 'preceding_name'];

/** One row per opt-out in the period, oldest first, read page by page (keyset on time and ledger id). */
export async function* optOutCsvRows(ctx: Ctx, input: unknown): AsyncGenerator<(string | null)[]> {
  const q = optOutsQuery.parse(input);
  const p = await resolvePeriod(ctx, q, (x) => optOutsQuery.parse(x));
  let after: { at: string; id: string } | undefined;
  for (;;) {
    const page: CsvRow[] = await queryRowsOf<CsvRow>(
      ctx.db,
      sql`with ${withReasons(ctx, p, after ? sql`and (occurred_at, event_id) > (${after.at}::timestamptz, ${after.id}::bigint)` : sql``)}
          select r.occurred_at::text as occurred_at, r.event_id::text as event_id, r.contact_id, r.source, r.reason, r.credited_kind, r.credited_id, ${creditedName} as name,
                 case when r.topic_ids is null then 'all topics' else (select string_agg(t.name, '; ' order by t.name) from topics t where t.workspace_id = r.workspace_id and t.id = any(r.topic_ids)) end as topics
          from r order by r.occurred_at, r.event_id limit ${PAGE}`,
    );
    for (const r of page) {
      yield [new Date(r.occurred_at).toISOString(), r.contact_id, r.source, r.topics, r.reason ?? NO_REASON, r.credited_kind, r.credited_id, r.name];
    }
    if (page.length < PAGE) return;
    const last = page[page.length - 1]!;
    after = { at: last.occurred_at, id: last.event_id };
  }
}
