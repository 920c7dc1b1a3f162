import { sql } from 'drizzle-orm';
import { csvCell, csvLine } from '../imports/index.js';
import type { Ctx } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { loadBroadcast } from './broadcast-row.js';
import { conversionsOf, type Revenue } from './conversions.service.js';
import { funnelMetrics } from './funnel.service.js';
import { progressOf, recipientStatusOf } from './progress.service.js';

/** The funnel figures of one broadcast as the analytics API shows them. */
export interface Funnel {
  planned: number;
  skipped: number;
  sent: number;
  delivered: number;
  read: number;
  replied: number;
  clicked: number;
  converted: number;
  opted_out: number;
  failed: number;
}

/** One row of the broadcast funnel report (GET /api/v1/analytics/broadcasts). */
export interface BroadcastFunnelRow {
  id: string;
  name: string;
  status: string;
  template_name: string;
  started_at: string;
  finished_at: string | null;
  funnel: Funnel;
  revenue: Revenue[];
  rates: { delivered: number | null; read: number | null; replied: number | null; clicked: number | null; converted: number | null; opted_out: number | null };
}

const rate = (n: number, sent: number) => (sent === 0 ? null : n / sent);

/**
 * Broadcasts started between two days (inclusive, in the workspace's time zone, UTC when unset),
 * newest first, with their funnels from the rollup (plus undrained deltas: exact, no scan).
 */
export async function broadcastFunnels(ctx: Pick<Ctx, 'db' | 'workspaceId'>, q: { from: string; to: string; limit: number }): Promise<BroadcastFunnelRow[]> {
  const rows = await queryRowsOf<{ id: string; name: string; status: string; template_name: string; started_at: string; finished_at: string | null }>(
    ctx.db,
    sql`select b.id, b.name, b.status, b.template_name, b.started_at, b.finished_at
        from broadcasts b cross join lateral (select coalesce(w.settings ->> 'timezone', 'UTC') as tz from workspaces w where w.id = b.workspace_id) w
        where b.workspace_id = ${ctx.workspaceId} and b.status <> 'draft' and b.started_at is not null
          and b.started_at >= (${q.from}::date)::timestamp at time zone w.tz
          and b.started_at < (${q.to}::date + 1)::timestamp at time zone w.tz
        order by b.started_at desc, b.id limit ${q.limit}`,
  );
  const ids = rows.map((r) => r.id);
  const metrics = await funnelMetrics(ctx.db, ctx.workspaceId, ids);
  const conversions = await conversionsOf(ctx.db, ctx.workspaceId, ids);
  return rows.map((r) => {
    const c = progressOf(metrics.get(r.id) ?? {}).counts;
    const conv = conversions.get(r.id)!;
    const funnel: Funnel = { planned: c.planned, skipped: c.skipped, sent: c.sent, delivered: c.delivered, read: c.read, replied: c.replied, clicked: c.clicked, converted: conv.converted, opted_out: c.opted_out, failed: c.failed };
    return {
      id: r.id,
      name: r.name,
      status: r.status,
      template_name: r.template_name,
      started_at: new Date(r.started_at).toISOString(),
      finished_at: r.finished_at == null ? null : new Date(r.finished_at).toISOString(),
      funnel,
      revenue: conv.revenue,
      rates: { delivered: rate(c.delivered, c.sent), read: rate(c.read, c.sent), replied: rate(c.replied, c.sent), clicked: rate(c.clicked, c.sent), converted: rate(conv.converted, c.sent), opted_out: rate(c.opted_out, c.sent) },
    };
  });
}

/** Header of the broadcast funnel CSV. */
export const FUNNEL_CSV_HEADER = ['id', 'name', 'status', 'template_name', 'started_at', 'finished_at', 'planned', 'skipped', 'sent', 'delivered', 'read', 'replied', 'clicked', 'converted', 'opted_out', 'failed', 'revenue'];

/** Revenue per currency as one CSV cell: "120.00 EUR; 15.50 USD" (currencies are never added). */
export const revenueText = (revenue: Revenue[]): string => revenue.map((v) => `${v.amount.toFixed(2)} ${v.currency}`).join('; ');

/** The funnel report as CSV lines (formula-neutralised). */
export async function* broadcastFunnelsCsv(rows: BroadcastFunnelRow[]): AsyncGenerator<string> {
  yield csvLine(FUNNEL_CSV_HEADER);
  for (const r of rows) {
    const f = r.funnel;
    yield csvLine([r.id, r.name, r.status, r.template_name, r.started_at, r.finished_at, f.planned, f.skipped, f.sent, f.delivered, f.read, f.replied, f.clicked, f.converted, f.opted_out, f.failed, revenueText(r.revenue)]);
  }
}

/** Header of the per-recipient drill-down CSV. */
export const RECIPIENTS_CSV_HEADER = ['contact_id', 'phone', 'name', 'state', 'reason', 'error_code', 'sent_at', 'delivered', 'read', 'replied_at', 'clicked_at', 'opted_out_at', 'converted_at', 'revenue'];

// Why 2,000: at 10,000 the export process peaked 150 MB above its idle RSS (V8 lets the old space
// grow with the larger pages' garbage); at 2,000 it peaks ~40 MB above, and runs no slower (1 M rows,
// PostgreSQL, separate process: 74k → 79k rows/s; docs/performance.md).
const PAGE = 2_000;
// ISO 8601 in UTC with milliseconds, as Date.toISOString() writes it, formatted by the database.
const isoSql = (col: string) => sql.raw(`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

/**
 * The credited goal events of one page's recipients (contact ids in `(after, last]`): the first
 * event's time and revenue per currency, per contact. One range scan of the conversions index per
 * page (conversions are rare), not two probes per recipient row: at 1 M rows those halved the export.
 */
async function pageConversions(ctx: Pick<Ctx, 'db' | 'workspaceId'>, broadcastId: string, after: string, last: string): Promise<Map<string, { converted_at: string; revenue: string | null }>> {
  const rows = await queryRowsOf<{ contact_id: string; converted_at: string; revenue: string | null }>(
    ctx.db,
    sql`select contact_id, ${isoSql('min(first_at)')} as converted_at,
               string_agg(amount::text || ' ' || currency, '; ' order by currency) filter (where amount is not null) as revenue
        from (select contact_id, currency, min(occurred_at) as first_at, sum(amount - refunded) filter (where amount is not null and currency is not null) as amount
              from broadcast_conversions
              where broadcast_id = ${broadcastId} and workspace_id = ${ctx.workspaceId} and contact_id > ${after}::uuid and contact_id <= ${last}::uuid
              group by contact_id, currency) x
        group by contact_id`,
  );
  return new Map(rows.map((r) => [r.contact_id, r]));
}

/**
 * The per-recipient drill-down of one broadcast as CSV: checks the broadcast belongs to the
 * workspace (404 before a byte is sent), then yields one chunk per keyset page of 2,000 rows on
 * (broadcast_id, contact_id), the recipients' unique index, so memory stays one page whatever the
 * audience and a page costs the same at the end as at the start. The consumer pulls (backpressure).
 * Why `c.id > after` on the join: the planner merges the page with contacts in id order, and without
 * it the contacts scan starts at the first id for every page (the export was quadratic: 6,600 rows/s at 1M).
 */
export async function broadcastRecipientsCsv(ctx: Pick<Ctx, 'db' | 'workspaceId'>, id: string): Promise<AsyncGenerator<string>> {
  await loadBroadcast(ctx, id);
  return (async function* () {
    yield csvLine(RECIPIENTS_CSV_HEADER);
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = await queryRowsOf<{ contact_id: string; phone: string | null; name: string | null; state: string; rank: number; reason: string | null; error_code: number | null; sent_at: string | null; replied_at: string | null; clicked_at: string | null; opted_out_at: string | null }>(
        ctx.db,
        sql`select r.contact_id, c.phone, c.name, r.state, r.delivery_rank as rank, r.reason, r.error_code,
                   ${isoSql('r.sent_at')} as sent_at, ${isoSql('r.replied_at')} as replied_at, ${isoSql('r.clicked_at')} as clicked_at, ${isoSql('r.opted_out_at')} as opted_out_at
            from broadcast_recipients r
              left join contacts c on c.id = r.contact_id and c.workspace_id = r.workspace_id and c.id > ${after}::uuid
            where r.broadcast_id = ${id} and r.workspace_id = ${ctx.workspaceId} and r.contact_id > ${after}::uuid
            order by r.contact_id limit ${PAGE}`,
      );
      if (rows.length === 0) return;
      const converted = await pageConversions(ctx, id, after, rows[rows.length - 1]!.contact_id);
      let chunk = '';
      for (const r of rows) {
        const v = converted.get(r.contact_id);
        const rank = Number(r.rank);
        // Text a person or WhatsApp wrote goes through csvCell (quoted, neutralised); ids, codes,
        // booleans and ISO times are ours and cannot start a formula, so they are written as they are.
        chunk += `${r.contact_id},${csvCell(r.phone)},${csvCell(r.name)},${csvCell(recipientStatusOf(r.state, rank))},${csvCell(r.reason)},${r.error_code ?? ''},${r.sent_at ?? ''},${rank >= 3},${rank >= 4},${r.replied_at ?? ''},${r.clicked_at ?? ''},${r.opted_out_at ?? ''},${v?.converted_at ?? ''},${csvCell(v?.revenue ?? null)}\r\n`;
      }
      yield chunk;
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1]!.contact_id;
    }
  })();
}
