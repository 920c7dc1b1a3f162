// Best send time: read and reply rates of outbound sends by the recipient's local weekday × hour.
import { sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { outboxOutcomeSql } from '../messaging/index.js';
import { segmentAudience } from '../segments/index.js';
import { periodEnd, periodStart, resolvePeriod, type Period } from './growth.service.js';
import { BEST_HOUR_MIN_SENDS, heatmapQuery, WEEKDAYS, type HeatmapCell, type HeatmapOut } from './heatmap.schemas.js';

type Row = { weekday: number; hour: number; sent: number; read: number; replied: number };

/**
 * The sends of the period as (contact_id, sent_at, read, replied), reusing each sender's funnel
 * definitions so the heatmap and the funnels agree: broadcast recipients counted as sent by the
 * broadcast funnel (accepted, or failed after it was sent), `replied_at` as the reply tracking
 * credits it; automation step sends through `outboxOutcomeSql` (failed ones left out).
 * Why through broadcasts and automations first: recipient rows are then read by their unique
 * index on (broadcast_id, …) and step runs by (automation_id, …), not the whole tables.
 */
function sendsSql(ctx: Ctx, start: SQL, end: SQL): SQL {
  const outcome = outboxOutcomeSql(sql`s.workspace_id`, sql`s.outbox_key`);
  return sql`select r.contact_id, r.sent_at, r.delivery_rank >= 4 as read, r.replied_at is not null as replied
      from broadcasts b join broadcast_recipients r on r.broadcast_id = b.id
      where b.workspace_id = ${ctx.workspaceId} and b.started_at < ${end} and (b.finished_at is null or b.finished_at >= ${start})
        and r.workspace_id = ${ctx.workspaceId} and r.sent_at >= ${start} and r.sent_at < ${end}
        and (r.state = 'accepted' or (r.state = 'failed' and r.delivery_rank >= 2))
    union all
    select d.contact_id, d.sent_at, d.rank >= 4, d.replied
      from automations a join automation_step_runs s on s.automation_id = a.id
        cross join lateral ${outcome} d
      where a.workspace_id = ${ctx.workspaceId} and s.workspace_id = ${ctx.workspaceId} and s.outcome = 'sent' and s.at < ${end}
        and d.rank <> -1 and d.sent_at >= ${start} and d.sent_at < ${end}`;
}

/** One grouped query: the sends' counts per local weekday (0 Monday) and hour of the recipient. */
async function heatmapRows(ctx: Ctx, p: Period, segmentWhere: SQL): Promise<Row[]> {
  // A contact's zone is checked against PostgreSQL's list (an unknown name would fail the whole
  // query); without a known zone the workspace's is used.
  return queryRowsOf<Row>(
    ctx.db,
    sql`select (extract(isodow from x.local)::int - 1) as weekday, extract(hour from x.local)::int as hour,
          count(*)::int as sent, count(*) filter (where x.read)::int as read, count(*) filter (where x.replied)::int as replied
        from (select s.read, s.replied, s.sent_at at time zone coalesce(z.name, ${p.zone}) as local
              from (${sendsSql(ctx, periodStart(p), periodEnd(p))}) s
                join contacts c on c.id = s.contact_id and c.workspace_id = ${ctx.workspaceId}
                left join (select name from pg_timezone_names) z on z.name = c.timezone
              where ${segmentWhere}) x
        group by 1, 2`,
  );
}

const rateOf = (n: number, sent: number) => (sent === 0 ? null : n / sent);

/** Each weekday's hour with the highest read rate among cells with at least `min` sends. */
function bestHours(cells: HeatmapCell[], min: number): HeatmapOut['best_hours'] {
  return WEEKDAYS.map((_, weekday) => {
    let best: HeatmapCell | null = null;
    for (const c of cells) {
      if (c.weekday !== weekday || c.sent < min) continue;
      if (!best || c.read_rate! > best.read_rate!) best = c;
    }
    return { weekday, hour: best?.hour ?? null, read_rate: best?.read_rate ?? null, sent: best?.sent ?? 0 };
  });
}

/** The engagement heatmap of a period (workspace days), optionally for a segment's members. */
export async function getHeatmap(ctx: Ctx, input: unknown): Promise<HeatmapOut> {
  const q = heatmapQuery.parse(input);
  const p = await resolvePeriod(ctx, q, (x) => heatmapQuery.parse({ ...x, segment_id: q.segment_id }));
  const where = q.segment_id ? (await segmentAudience(ctx, q.segment_id)).where : sql`true`;
  const found = new Map((await heatmapRows(ctx, p, where)).map((r) => [`${r.weekday}/${r.hour}`, r]));
  const cells: HeatmapCell[] = [];
  const totals = { sent: 0, read: 0, replied: 0 };
  for (let weekday = 0; weekday < 7; weekday += 1) {
    for (let hour = 0; hour < 24; hour += 1) {
      const r = found.get(`${weekday}/${hour}`);
      const [sent, read, replied] = [r?.sent ?? 0, r?.read ?? 0, r?.replied ?? 0];
      totals.sent += sent;
      totals.read += read;
      totals.replied += replied;
      cells.push({ weekday, hour, sent, read, replied, read_rate: rateOf(read, sent), reply_rate: rateOf(replied, sent) });
    }
  }
  return { timezone: p.zone, from: p.from, to: p.to, segment_id: q.segment_id ?? null, min_sends: BEST_HOUR_MIN_SENDS, totals, cells, best_hours: bestHours(cells, BEST_HOUR_MIN_SENDS) };
}

/** Header of the heatmap CSV. */
export const HEATMAP_CSV_HEADER = ['weekday', 'weekday_name', 'hour', 'sent', 'read', 'replied', 'read_rate', 'reply_rate'];

/** The heatmap as CSV rows: all 168 cells, rates as fractions (empty when nothing was sent). */
export async function* heatmapCsvRows(ctx: Ctx, input: unknown): AsyncGenerator<(string | number | null)[]> {
  const h = await getHeatmap(ctx, input);
  for (const c of h.cells) yield [c.weekday, WEEKDAYS[c.weekday]!, c.hour, c.sent, c.read, c.replied, c.read_rate, c.reply_rate];
}
