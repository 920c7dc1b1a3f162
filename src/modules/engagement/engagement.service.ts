import { eq, param, sql } from 'drizzle-orm';
import { mapPage, type Page } from '../../lib/pagination.js';
import type { Ctx, Db } from '../context.js';
import { assertContact, clearUnreachable } from '../contacts/index.js';
import { queryRowsOf, workspaceRowsByKey } from '../sql.js';
import { contactEngagement, contactEvents } from './engagement.tables.js';
import type { ContactEventOut, EngagementOut } from './events.schemas.js';

const DAY_MS = 86_400_000;
const iso = (d: Date): string => d.toISOString();

/**
 * Folds newly stored inbound messages into engagement: last inbound, replies, and the end of any
 * "not on WhatsApp" streak (someone who writes to us is reachable, so `unreachable_at` clears).
 * Call only for messages stored for the first time, so replays count nothing twice.
 */
export async function noteInboundEngagement(db: Db, workspaceId: string, items: { contactId: string; at: Date }[], now: Date): Promise<void> {
  if (items.length === 0) return;
  const since30 = iso(new Date(now.getTime() - 30 * DAY_MS));
  const since90 = iso(new Date(now.getTime() - 90 * DAY_MS));
  await db.execute(sql`
    insert into contact_engagement as ce (contact_id, workspace_id, last_inbound_at, last_engaged_at, replied_30d, replied_90d, updated_at)
    select contact_id, ${workspaceId}::uuid, at, at, n30, n90, ${iso(now)}::timestamptz
    from (select contact_id, max(at) as at, count(*) filter (where at >= ${since30}::timestamptz)::int as n30, count(*) filter (where at >= ${since90}::timestamptz)::int as n90
          from unnest(${param(items.map((i) => i.contactId))}::uuid[], ${param(items.map((i) => iso(i.at)))}::timestamptz[]) as t(contact_id, at) group by contact_id) src
    on conflict (contact_id) do update set
      last_inbound_at = greatest(ce.last_inbound_at, excluded.last_inbound_at),
      last_engaged_at = greatest(ce.last_engaged_at, excluded.last_engaged_at),
      replied_30d = ce.replied_30d + excluded.replied_30d,
      replied_90d = ce.replied_90d + excluded.replied_90d,
      undeliverable_streak = 0,
      updated_at = excluded.updated_at`);
  // A second set-based statement in the caller's transaction: the contacts module owns unreachable_at.
  await clearUnreachable(db, workspaceId, [...new Set(items.map((i) => i.contactId))]);
}

/** Records a tracked-link click as engagement (one upsert; a later click never moves the times back). */
export async function noteClickEngagement(db: Db, workspaceId: string, contactId: string, at: Date): Promise<void> {
  await db.execute(sql`
    insert into contact_engagement (contact_id, workspace_id, last_click_at, last_engaged_at, updated_at)
    values (${contactId}, ${workspaceId}, ${at.toISOString()}::timestamptz, ${at.toISOString()}::timestamptz, ${at.toISOString()}::timestamptz)
    on conflict (contact_id) do update set last_click_at = greatest(contact_engagement.last_click_at, excluded.last_click_at),
      last_engaged_at = greatest(contact_engagement.last_engaged_at, excluded.last_engaged_at), updated_at = excluded.updated_at`);
}

/** A status stored for the first time (sent, delivered, read, failed). */
export interface NewStatus {
  wamid: string;
  status: string;
  occurredAt: Date;
  errorCode: number | null;
}

/**
 * Folds newly stored status events into engagement: last sent/delivered/read, received and read
 * counts, and the streak of 131026 failures that list hygiene turns into "unreachable". Statuses
 * whose message is not logged yet are skipped here; the next window recount covers the counts.
 */
export async function noteStatusEngagement(db: Db, workspaceId: string, statuses: NewStatus[], now: Date): Promise<void> {
  const useful = statuses.filter((s) => s.status !== 'failed' || s.errorCode === 131026 || s.errorCode === null);
  if (useful.length === 0) return;
  await db.execute(sql`
    with s as (select * from unnest(${param(useful.map((s) => s.wamid))}::text[], ${param(useful.map((s) => s.status))}::text[], ${param(useful.map((s) => iso(s.occurredAt)))}::timestamptz[],
                 ${param(useful.map((s) => s.errorCode))}::int[]) as t(wamid, status, at, code)),
    -- Per-wamid lookups (lateral + limit): linear in the batch whatever the planner thinks of the messages table's size.
    j as (select m.contact_id, s.status, s.at, s.code from s cross join lateral (
            select m.contact_id from messages m where m.workspace_id = ${workspaceId} and m.wamid = s.wamid and m.direction = 'out' and m.contact_id is not null limit 1) m),
    agg as (
      select contact_id,
        min(at) filter (where status in ('sent', 'delivered', 'read')) as first_sent_at,
        max(at) filter (where status = 'sent') as sent_at,
        max(at) filter (where status = 'delivered') as delivered_at,
        max(at) filter (where status = 'read') as read_at,
        count(*) filter (where status = 'delivered')::int as delivered_n,
        count(*) filter (where status = 'read')::int as read_n,
        count(*) filter (where status = 'failed' and code = 131026)::int as undeliverable_n
      from j group by contact_id
    )
    insert into contact_engagement as ce (contact_id, workspace_id, first_sent_at, last_sent_at, last_delivered_at, last_read_at, last_engaged_at, received_30d, received_90d, read_30d, read_90d, undeliverable_streak, updated_at)
    select contact_id, ${workspaceId}::uuid, first_sent_at, sent_at, delivered_at, read_at, read_at, delivered_n, delivered_n, read_n, read_n, undeliverable_n, ${iso(now)}::timestamptz from agg
    on conflict (contact_id) do update set
      first_sent_at = least(ce.first_sent_at, excluded.first_sent_at),
      last_sent_at = greatest(ce.last_sent_at, excluded.last_sent_at),
      last_delivered_at = greatest(ce.last_delivered_at, excluded.last_delivered_at),
      last_read_at = greatest(ce.last_read_at, excluded.last_read_at),
      last_engaged_at = greatest(ce.last_engaged_at, excluded.last_read_at),
      received_30d = ce.received_30d + excluded.received_30d,
      received_90d = ce.received_90d + excluded.received_90d,
      read_30d = ce.read_30d + excluded.read_30d,
      read_90d = ce.read_90d + excluded.read_90d,
      -- A delivery or read proves the number works; only uninterrupted failures add up.
      undeliverable_streak = case when excluded.last_delivered_at is not null or excluded.last_read_at is not null then 0 else ce.undeliverable_streak + excluded.undeliverable_streak end,
      updated_at = excluded.updated_at`);
}

/**
 * Recounts the 30- and 90-day windows from the message log for the given contacts (one
 * chunk of a bulk run), so counts that aged out of a window drop. Rows whose counts did not
 * change are not rewritten.
 */
export async function recountEngagementWindows(db: Db, workspaceId: string, contactIds: string[], now: Date): Promise<number> {
  const since30 = iso(new Date(now.getTime() - 30 * DAY_MS));
  const since90 = iso(new Date(now.getTime() - 90 * DAY_MS));
  const rows = await queryRowsOf<{ n: number }>(
    db,
    sql`
    -- Chunks are explicit id lists: PostgreSQL cannot estimate a uuid range (it guessed one row and
    -- chose nested loops that compared every row of a chunk with every other).
    with k as (select c.id from contacts c where c.workspace_id = ${workspaceId} and c.id = any(${param(contactIds)}::uuid[])),
    up as (
      -- LATERAL: one index range per contact on (workspace_id, contact_id, sent_at). A grouped
      -- subquery joined afterwards was re-run per contact when the chunk was misestimated as one row.
      insert into contact_engagement as ce (contact_id, workspace_id, received_30d, read_30d, replied_30d, received_90d, read_90d, replied_90d, windows_at, updated_at)
      select k.id, ${workspaceId}::uuid, w.received_30d, w.read_30d, w.replied_30d, w.received_90d, w.read_90d, w.replied_90d, ${iso(now)}::timestamptz, ${iso(now)}::timestamptz
      from k
      left join contact_engagement e0 on e0.contact_id = k.id
      cross join lateral (
        select count(*)::int as n,
          count(*) filter (where m.direction = 'out' and m.status_rank >= 3 and m.sent_at >= ${since30}::timestamptz)::int as received_30d,
          count(*) filter (where m.direction = 'out' and m.status_rank >= 4 and m.sent_at >= ${since30}::timestamptz)::int as read_30d,
          count(*) filter (where m.direction = 'in' and m.sent_at >= ${since30}::timestamptz)::int as replied_30d,
          count(*) filter (where m.direction = 'out' and m.status_rank >= 3)::int as received_90d,
          count(*) filter (where m.direction = 'out' and m.status_rank >= 4)::int as read_90d,
          count(*) filter (where m.direction = 'in')::int as replied_90d
        from messages m where m.workspace_id = ${workspaceId} and m.contact_id = k.id and m.sent_at >= ${since90}::timestamptz
      ) w
      where w.n > 0 or e0.contact_id is not null
      on conflict (contact_id) do update set
        received_30d = excluded.received_30d, read_30d = excluded.read_30d, replied_30d = excluded.replied_30d,
        received_90d = excluded.received_90d, read_90d = excluded.read_90d, replied_90d = excluded.replied_90d,
        windows_at = excluded.windows_at
      where (ce.received_30d, ce.read_30d, ce.replied_30d, ce.received_90d, ce.read_90d, ce.replied_90d)
        is distinct from (excluded.received_30d, excluded.read_30d, excluded.replied_30d, excluded.received_90d, excluded.read_90d, excluded.replied_90d)
      returning 1
    )
    select count(*)::int as n from up`,
  );
  return rows[0]?.n ?? 0;
}

const ts = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** When each of these contacts last engaged (an inbound message, a read, a click or a customer event); absent when never. */
export async function lastEngagedOf(db: Db, workspaceId: string, contactIds: string[]): Promise<Map<string, string>> {
  if (contactIds.length === 0) return new Map();
  const rows = await queryRowsOf<{ contact_id: string; at: string | Date }>(
    db,
    sql`select contact_id, last_engaged_at as at from contact_engagement
        where workspace_id = ${workspaceId}::uuid and contact_id = any(${param(contactIds)}::uuid[]) and last_engaged_at is not null`,
  );
  return new Map(rows.map((r) => [r.contact_id, new Date(r.at).toISOString()]));
}

/** A contact's engagement (zeros when nothing has happened yet). */
export async function getContactEngagement(ctx: Ctx, contactId: string): Promise<EngagementOut> {
  await assertContact(ctx, contactId);
  const [e] = await ctx.db.select().from(contactEngagement).where(eq(contactEngagement.contactId, contactId));
  const rate = (n: number, d: number): number | null => (d > 0 ? Math.round((n / d) * 1000) / 1000 : null);
  return {
    last_inbound_at: ts(e?.lastInboundAt ?? null),
    first_sent_at: ts(e?.firstSentAt ?? null),
    last_sent_at: ts(e?.lastSentAt ?? null),
    last_delivered_at: ts(e?.lastDeliveredAt ?? null),
    last_read_at: ts(e?.lastReadAt ?? null),
    last_click_at: ts(e?.lastClickAt ?? null),
    first_purchase_at: ts(e?.firstPurchaseAt ?? null),
    last_purchase_at: ts(e?.lastPurchaseAt ?? null),
    last_event_at: ts(e?.lastEventAt ?? null),
    last_engaged_at: ts(e?.lastEngagedAt ?? null),
    received_30d: e?.received30d ?? 0,
    read_30d: e?.read30d ?? 0,
    replied_30d: e?.replied30d ?? 0,
    received_90d: e?.received90d ?? 0,
    read_90d: e?.read90d ?? 0,
    replied_90d: e?.replied90d ?? 0,
    read_rate_90d: rate(e?.read90d ?? 0, e?.received90d ?? 0),
    reply_rate_90d: rate(e?.replied90d ?? 0, e?.received90d ?? 0),
    purchases_count: e?.purchasesCount ?? 0,
    purchases_total: e?.purchasesTotal ?? '0',
    windows_at: ts(e?.windowsAt ?? null),
  };
}

/** A contact's customer events, newest first, in pages. */
export async function listContactEvents(ctx: Ctx, contactId: string, opts: { limit: number; cursor?: string | undefined }): Promise<Page<ContactEventOut>> {
  await assertContact(ctx, contactId);
  const page = await workspaceRowsByKey(ctx.db, contactEvents, {
    workspaceId: ctx.workspaceId,
    key: 'id',
    kind: 'int',
    order: 'desc',
    filters: [eq(contactEvents.contactId, contactId)],
    limit: opts.limit,
    cursor: opts.cursor,
  });
  return mapPage(page, (r) => ({ id: r.id, type: r.type, properties: r.properties, products: r.products, amount: r.amount, currency: r.currency, occurred_at: r.occurredAt.toISOString(), received_at: r.receivedAt.toISOString() }));
}
