import { and, eq, isNull, param, sql, type SQL } from 'drizzle-orm';
import { mapPage, type Page } from '../../lib/pagination.js';
import { queryRowsOf, workspaceRowById, workspaceRowsByTime } from '../sql.js';
import type { Ctx, Db } from '../context.js';
import { displayStatus, isWindowOpen, SERVICE_WINDOW_MS } from './messaging.rules.js';
import { messages, messageStatusEvents, serviceWindows } from './messaging.tables.js';
import { emitMessageReceived, emitMessageStatuses } from './message-events.js';

/** An inbound message, normalised. */
export interface InboundMessageRecord {
  workspaceId: string;
  numberId: string;
  contactId: string;
  waId: string;
  wamid: string;
  type: string;
  body: string | null;
  payload: Record<string, unknown>;
  contextWamid: string | null;
  sentAt: Date;
}

/** Logs an inbound message once (duplicates by wamid are ignored) and emits `message.received` for a new one; returns whether it was new. */
export async function recordInboundMessage(db: Db, m: InboundMessageRecord, now = new Date()): Promise<boolean> {
  const rows = await db
    .insert(messages)
    .values({ ...m, direction: 'in', statusRank: 0 })
    .onConflictDoNothing()
    .returning({ id: messages.id });
  if (rows.length === 0) return false;
  await emitMessageReceived(db, m.workspaceId, rows[0]!.id, now);
  return true;
}

/**
 * True (as SQL) when no customer service window was open with `waId` on `numberId` at `at`: a
 * message sent then is business-initiated and counts against the messaging limit.
 */
function outsideServiceWindow(numberId: SQL, waId: SQL, at: SQL): SQL {
  return sql`not exists (select 1 from service_windows w where w.number_id = ${numberId} and w.wa_id = ${waId}
                         and w.last_inbound_at > ${at} - make_interval(secs => ${SERVICE_WINDOW_MS / 1000}) and w.last_inbound_at <= ${at})`;
}

/**
 * The messaging limit's measure: unique people this workspace reached outside a customer service
 * window in the moving 24 h before `now`. Meta sets the limit per business portfolio, shared by all
 * its numbers; a workspace stands for one portfolio here.
 */
export async function messagingLimitUsed(db: Db, workspaceId: string, now: Date): Promise<number> {
  const [r] = await queryRowsOf<{ n: number }>(
    db,
    sql`select count(distinct wa_id)::int as n from messages
        where workspace_id = ${workspaceId} and business_initiated and sent_at > ${now.toISOString()}::timestamptz - interval '24 hours'`,
  );
  return Number(r?.n ?? 0);
}

/** Moves the service window forward (never back: webhooks arrive out of order). */
export async function touchServiceWindow(db: Db, w: { workspaceId: string; numberId: string; waId: string; at: Date }): Promise<void> {
  await db
    .insert(serviceWindows)
    .values({ workspaceId: w.workspaceId, numberId: w.numberId, waId: w.waId, lastInboundAt: w.at })
    .onConflictDoUpdate({
      target: [serviceWindows.numberId, serviceWindows.waId],
      set: { lastInboundAt: sql`greatest(${serviceWindows.lastInboundAt}, excluded.last_inbound_at)` },
    });
}

/** A status webhook entry, normalised. */
export interface StatusRecord {
  wamid: string;
  status: string;
  occurredAt: Date;
  recipientWaId: string | null;
  errorCode: number | null;
  callbackData: string | null;
  pricing: Record<string, unknown> | null;
}

/**
 * Stores status events (duplicates collapse on wamid + status) and applies new ones to the
 * message log: rank only rises, the first failure is kept, and every raw event stays.
 * Safe in any order and under replays. Returns the events that were new.
 */
export async function recordStatuses(db: Db, workspaceId: string, statuses: StatusRecord[], now = new Date()): Promise<NewStatusEvent[]> {
  if (statuses.length === 0) return [];
  const inserted = await db
    .insert(messageStatusEvents)
    .values(statuses.map((s) => ({ workspaceId, ...s })))
    .onConflictDoNothing()
    .returning({ wamid: messageStatusEvents.wamid, status: messageStatusEvents.status, occurredAt: messageStatusEvents.occurredAt, errorCode: messageStatusEvents.errorCode });
  await applyStoredStatuses(db, workspaceId, statuses, [...new Set(inserted.map((r) => r.wamid))]);
  await emitMessageStatuses(db, workspaceId, inserted, now);
  return inserted;
}

/**
 * Applies stored status events to the message log: links messages sent without a wamid (their
 * HTTP answer was lost) by callback data, then recomputes the state of `wamids` (default: all of
 * `statuses`). Also called after commit for statuses whose message was not visible yet.
 */
export async function applyStoredStatuses(db: Db, workspaceId: string, statuses: { wamid: string; callbackData: string | null }[], wamids = [...new Set(statuses.map((s) => s.wamid))]): Promise<void> {
  // A send whose HTTP answer was lost has no wamid yet; its callback data identifies it.
  const withCallback = statuses.filter((s) => s.callbackData);
  if (withCallback.length > 0) {
    await db.execute(sql`
      update messages m set wamid = x.wamid
      from (select * from unnest(${param(withCallback.map((s) => s.callbackData))}::text[], ${param(withCallback.map((s) => s.wamid))}::text[]) as t(callback_data, wamid)) x
      where m.workspace_id = ${workspaceId} and m.wamid is null and m.direction = 'out' and m.callback_data = x.callback_data`);
  }
  if (wamids.length > 0) await reconcileMessageStatus(db, workspaceId, wamids);
}

/** A status event stored for the first time (replays return nothing). */
export interface NewStatusEvent {
  wamid: string;
  status: string;
  occurredAt: Date;
  errorCode: number | null;
}

/** The wamids among `wamids` whose message is logged (one index probe each, whatever the table's size). */
export async function loggedWamids(db: Db, workspaceId: string, wamids: string[]): Promise<Set<string>> {
  const rows = await queryRowsOf<{ wamid: string }>(
    db,
    sql`select k.wamid from unnest(${param(wamids)}::text[]) as k(wamid)
        cross join lateral (select 1 from messages m where m.workspace_id = ${workspaceId} and m.wamid = k.wamid limit 1) m`,
  );
  return new Set(rows.map((r) => r.wamid));
}

/**
 * Recomputes messages' delivery state from all their stored status events. Called after new
 * events and after an outbound message is logged (its statuses may have arrived first).
 */
export async function reconcileMessageStatus(db: Db, workspaceId: string, wamids: string[]): Promise<void> {
  const rankCase = sql`case e.status when 'sent' then 2 when 'delivered' then 3 when 'read' then 4 when 'played' then 4 else 0 end`;
  await db.execute(sql`
    update messages m set
      status_rank = greatest(m.status_rank, agg.max_rank),
      status_at = greatest(m.status_at, agg.last_at),
      error_code = coalesce(m.error_code, agg.error_code),
      failed_at = coalesce(m.failed_at, agg.failed_at),
      pricing_category = coalesce(agg.pricing_category, m.pricing_category),
      pricing_billable = coalesce(agg.pricing_billable, m.pricing_billable)
    from (
      select e.wamid,
             max(${rankCase})::smallint as max_rank,
             max(e.occurred_at) as last_at,
             (array_agg(e.error_code order by e.occurred_at) filter (where e.status = 'failed'))[1] as error_code,
             min(e.occurred_at) filter (where e.status = 'failed') as failed_at,
             max(e.pricing->>'category') as pricing_category,
             -- Meta's per-message pricing (analytics cost rollup); text compare, so an odd value is ignored rather than failing the batch.
             bool_or(case e.pricing->>'billable' when 'true' then true when 'false' then false end) as pricing_billable
      -- One index probe per wamid (lateral), never a scan of the workspace's events.
      from unnest(${param(wamids)}::text[]) as k(wamid)
      cross join lateral (select * from message_status_events e where e.workspace_id = ${workspaceId} and e.wamid = k.wamid offset 0) e
      group by e.wamid
    ) agg
    where m.workspace_id = ${workspaceId} and m.wamid = agg.wamid`);
}

/** An outbound message as the send path logs it. */
export interface OutboundMessageRecord {
  /** The row's id when the sender chose it (its callback data names it: `msg:<id>`); default: a new one. */
  id?: string;
  workspaceId: string;
  numberId: string;
  contactId: string | null;
  waId: string;
  type: string;
  body: string | null;
  payload: Record<string, unknown>;
  wamid: string | null;
  callbackData: string;
  sentAt: Date;
  /** Marketing content: counts against the person's frequency cap (default false: a service or onboarding message). */
  marketing?: boolean;
  /**
   * Whether the sender found a customer service window open when it chose the message (the outbox
   * also counts the inbound message it answers, which may be newer than the window row). Given, it
   * decides `business_initiated`, so what is counted is what was sent; absent, the window is read
   * from service_windows at `sentAt`.
   */
  windowOpen?: boolean;
}

/** Logs an outbound message (accepted by the Cloud API) and applies statuses that arrived first. */
export async function recordOutboundMessage(db: Db, m: OutboundMessageRecord): Promise<string> {
  const { windowOpen, ...row } = m;
  const [inserted] = await db
    .insert(messages)
    .values({
      ...row,
      direction: 'out',
      statusRank: m.wamid ? 1 : 0,
      contextWamid: null,
      businessInitiated: windowOpen !== undefined ? !windowOpen : outsideServiceWindow(sql`${m.numberId}::uuid`, sql`${m.waId}`, sql`${m.sentAt.toISOString()}::timestamptz`),
    })
    .returning({ id: messages.id });
  if (m.wamid) await reconcileMessageStatus(db, m.workspaceId, [m.wamid]);
  return inserted!.id;
}

/**
 * Settles an outbound message logged before its request left (the intent row): accepted with
 * Meta's wamid, or failed with the refusal's code. Statuses that came first are applied.
 */
export async function settleOutboundMessage(db: Db, workspaceId: string, id: string, outcome: { wamid: string } | { failedAt: Date; errorCode: number | null }): Promise<void> {
  if ('wamid' in outcome) {
    await db.update(messages).set({ wamid: outcome.wamid, statusRank: sql`greatest(${messages.statusRank}, 1)` }).where(and(eq(messages.id, id), eq(messages.workspaceId, workspaceId), isNull(messages.wamid)));
    await reconcileMessageStatus(db, workspaceId, [outcome.wamid]);
  } else {
    await db.update(messages).set({ failedAt: outcome.failedAt, errorCode: outcome.errorCode }).where(and(eq(messages.id, id), eq(messages.workspaceId, workspaceId)));
  }
}

/** A broadcast send as the message log keeps it: one row of a batch. */
export interface BroadcastMessageRecord {
  id: string;
  workspaceId: string;
  numberId: string;
  contactId: string;
  waId: string;
  body: string | null;
  payload: Record<string, unknown>;
  wamid: string | null;
  callbackData: string;
  broadcastId: string;
  sentAt: Date;
  /** The broadcast sends marketing (a MARKETING template). */
  marketing: boolean;
}

/**
 * Logs a batch of broadcast sends in one statement (set-based: the send path logs thousands a
 * second); a message already logged is left as it is. The caller applies statuses that came first
 * (reconcileMessageStatus) once the rows are visible.
 */
export async function recordBroadcastMessages(db: Db, rows: BroadcastMessageRecord[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  await db.execute(sql`
    insert into messages (id, workspace_id, number_id, contact_id, wa_id, direction, type, body, payload, wamid, callback_data, broadcast_id, status_rank, business_initiated, marketing, sent_at, created_at)
    select x.id, x.ws, x.num, x.contact, x.wa_id, 'out', 'template', x.body, x.payload, x.wamid, x.cb, x.bc, case when x.wamid is null then 0 else 1 end,
           ${outsideServiceWindow(sql`x.num`, sql`x.wa_id`, sql`x.sent_at`)}, x.mk, x.sent_at, ${now.toISOString()}::timestamptz
    from unnest(${param(rows.map((r) => r.id))}::uuid[], ${param(rows.map((r) => r.workspaceId))}::uuid[], ${param(rows.map((r) => r.numberId))}::uuid[],
                ${param(rows.map((r) => r.contactId))}::uuid[], ${param(rows.map((r) => r.waId))}::text[], ${param(rows.map((r) => r.body))}::text[],
                ${param(rows.map((r) => JSON.stringify(r.payload)))}::jsonb[], ${param(rows.map((r) => r.wamid))}::text[],
                ${param(rows.map((r) => r.callbackData))}::text[], ${param(rows.map((r) => r.broadcastId))}::uuid[], ${param(rows.map((r) => r.sentAt.toISOString()))}::timestamptz[],
                ${param(rows.map((r) => r.marketing))}::boolean[])
         as x(id, ws, num, contact, wa_id, body, payload, wamid, cb, bc, sent_at, mk)
    on conflict do nothing`);
}

/** Gives logged messages still without a wamid the one a status webhook later proved (one statement per batch). */
export async function fillMissingWamids(db: Db, rows: { id: string; wamid: string }[]): Promise<void> {
  if (rows.length === 0) return;
  await db.execute(sql`update messages m set wamid = x.wamid
                       from unnest(${param(rows.map((r) => r.id))}::uuid[], ${param(rows.map((r) => r.wamid))}::text[]) as x(id, wamid)
                       where m.id = x.id and m.wamid is null`);
}

/** A message as the API shows it. */
export interface MessageOut {
  id: string;
  direction: 'in' | 'out';
  type: string;
  text: string | null;
  wamid: string | null;
  status: string;
  error_code: number | null;
  created_at: string;
}

/** Maps a message row to the API shape. */
export function toMessageOut(r: typeof messages.$inferSelect): MessageOut {
  const direction = r.direction as 'in' | 'out';
  return { id: r.id, direction, type: r.type, text: r.body, wamid: r.wamid, status: displayStatus(direction, r.statusRank, r.errorCode), error_code: r.errorCode, created_at: r.sentAt.toISOString() };
}

/** The contact's message log, newest first. */
export async function listContactMessages(ctx: Ctx, contactId: string, q: { limit: number; cursor?: string }): Promise<Page<MessageOut>> {
  const page = await workspaceRowsByTime(ctx.db, messages, { workspaceId: ctx.workspaceId, time: 'sentAt', order: 'newest', filters: [eq(messages.contactId, contactId)], limit: q.limit, cursor: q.cursor });
  return mapPage(page, toMessageOut);
}

/** A message as the API shows it on its own: the log's shape plus whom it went to and from which number. */
export interface MessageDetailOut extends MessageOut {
  contact_id: string | null;
  number_id: string | null;
}

/** One message of the workspace, with its delivery status (404 for other workspaces' ids). */
export async function getMessage(ctx: Ctx, id: string): Promise<MessageDetailOut> {
  const row = await workspaceRowById(ctx, messages, id, 'message');
  return { ...toMessageOut(row), contact_id: row.contactId, number_id: row.numberId };
}

/** Where the workspace stands against the messaging limit for one more business-initiated message to `waId`. */
export interface MessagingLimitRoom {
  /** Unique people reached outside a customer service window in the moving 24 h (as `messagingLimitUsed`). */
  used: number;
  /** `waId` is already among them: another message to them does not use more of the limit. */
  counted: boolean;
  /** When the first of them leaves the moving 24 h, freeing room (null: nobody counted). */
  freesAt: Date | null;
}

/**
 * The messaging limit as one sender asking for one person sees it. Why per person: Meta counts
 * unique people, so a second order update to someone already reached today costs nothing more.
 */
export async function messagingLimitRoom(db: Db, workspaceId: string, waId: string, now: Date): Promise<MessagingLimitRoom> {
  const [r] = await queryRowsOf<{ used: number; counted: boolean; frees_ms: string | number | null }>(
    db,
    sql`select count(*)::int as used, coalesce(bool_or(p.wa_id = ${waId}), false) as counted,
               extract(epoch from min(p.last_at) + interval '24 hours') * 1000 as frees_ms
        from (select wa_id, max(sent_at) as last_at from messages
              where workspace_id = ${workspaceId} and business_initiated and sent_at > ${now.toISOString()}::timestamptz - interval '24 hours'
              group by wa_id) p`,
  );
  return { used: Number(r?.used ?? 0), counted: Boolean(r?.counted), freesAt: r?.frees_ms === null || r?.frees_ms === undefined ? null : new Date(Number(r.frees_ms)) };
}

/** Whether the 24 h window is open for a user on a number, and until when. */
/** The service windows of many people on one number at once, by WhatsApp id. */
export async function getServiceWindows(db: Db, numberId: string, waIds: string[], now: Date): Promise<Map<string, { open: boolean; closesAt: Date | null }>> {
  const rows = waIds.length === 0 ? [] : await db.select().from(serviceWindows).where(and(eq(serviceWindows.numberId, numberId), sql`${serviceWindows.waId} = any(${param(waIds)}::text[])`));
  const last = new Map(rows.map((r) => [r.waId, r.lastInboundAt]));
  return new Map(waIds.map((w) => {
    const at = last.get(w);
    return [w, { open: isWindowOpen(at, now), closesAt: at ? new Date(at.getTime() + SERVICE_WINDOW_MS) : null }];
  }));
}

export async function getServiceWindow(db: Db, numberId: string, waId: string, now: Date): Promise<{ open: boolean; closesAt: Date | null }> {
  return (await getServiceWindows(db, numberId, [waId], now)).get(waId)!;
}

