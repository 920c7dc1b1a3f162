// The delivery log (newest first, keyset pages), replays and test events.
import { and, asc, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import { notFound } from '../../lib/errors.js';
import { decodeCursor, toPage, type Page } from '../../lib/pagination.js';
import { recordAudit } from '../audit/index.js';
import type { Ctx } from '../context.js';
import { endpointRow } from './endpoints.service.js';
import type { DeliveryStatus } from './hooks.rules.js';
import type { DeliveryOut } from './hooks.schemas.js';
import { hookAttempts, hookDeliveries, hookEvents } from './hooks.tables.js';

type DeliveryRow = typeof hookDeliveries.$inferSelect & { eventType: string; atKey: string };


function toOut(r: DeliveryRow, attempts?: (typeof hookAttempts.$inferSelect)[]): DeliveryOut {
  return {
    id: r.id,
    endpoint_id: r.endpointId,
    event_id: r.eventId,
    event_type: r.eventType,
    status: r.status as DeliveryStatus,
    attempts: r.attempts,
    next_attempt_at: r.status === 'pending' ? r.nextAttemptAt.toISOString() : null,
    last_status_code: r.lastStatusCode,
    last_error: r.lastError,
    latency_ms: r.latencyMs,
    response_snippet: r.responseSnippet,
    body: r.body,
    created_at: r.createdAt.toISOString(),
    delivered_at: r.deliveredAt?.toISOString() ?? null,
    ...(attempts ? { attempt_log: attempts.map((a) => ({ attempt: a.attempt, status_code: a.statusCode, error: a.error, latency_ms: a.latencyMs, attempted_at: a.attemptedAt.toISOString() })) } : {}),
  };
}

const selection = {
  id: hookDeliveries.id,
  workspaceId: hookDeliveries.workspaceId,
  endpointId: hookDeliveries.endpointId,
  eventId: hookDeliveries.eventId,
  status: hookDeliveries.status,
  attempts: hookDeliveries.attempts,
  nextAttemptAt: hookDeliveries.nextAttemptAt,
  leaseUntil: hookDeliveries.leaseUntil,
  lastStatusCode: hookDeliveries.lastStatusCode,
  lastError: hookDeliveries.lastError,
  latencyMs: hookDeliveries.latencyMs,
  responseSnippet: hookDeliveries.responseSnippet,
  body: hookDeliveries.body,
  lastAttemptAt: hookDeliveries.lastAttemptAt,
  deliveredAt: hookDeliveries.deliveredAt,
  createdAt: hookDeliveries.createdAt,
  eventType: hookEvents.type,
  atKey: sql<string>`${hookDeliveries.createdAt}::text`,
};

/** An endpoint's deliveries, newest first, each with its attempts in order (keyset pages). */
export async function listDeliveries(ctx: Ctx, endpointId: string, q: { limit: number; cursor?: string | undefined; status?: DeliveryStatus | undefined }): Promise<Page<DeliveryOut>> {
  await endpointRow(ctx, endpointId);
  const after = decodeCursor(q.cursor, { t: 'text', id: 'uuid' });
  const d = hookDeliveries;
  const rows = (await ctx.db
    .select(selection)
    .from(d)
    .innerJoin(hookEvents, eq(hookEvents.id, d.eventId))
    .where(
      and(
        eq(d.workspaceId, ctx.workspaceId),
        eq(d.endpointId, endpointId),
        q.status ? eq(d.status, q.status) : undefined,
        after ? or(sql`${d.createdAt} < ${after.t}::timestamptz`, and(sql`${d.createdAt} = ${after.t}::timestamptz`, lt(d.id, after.id))) : undefined,
      ),
    )
    .orderBy(desc(d.createdAt), desc(d.id))
    .limit(q.limit + 1)) as DeliveryRow[];
  const attempts = rows.length === 0 ? [] : await ctx.db.select().from(hookAttempts).where(and(eq(hookAttempts.workspaceId, ctx.workspaceId), inArray(hookAttempts.deliveryId, rows.map((r) => r.id)))).orderBy(asc(hookAttempts.id));
  const byDelivery = new Map<string, typeof attempts>();
  for (const a of attempts) byDelivery.set(a.deliveryId, [...(byDelivery.get(a.deliveryId) ?? []), a]);
  return toPage(rows, q.limit, (r) => toOut(r, byDelivery.get(r.id) ?? []), (r) => ({ t: r.atKey, id: r.id }));
}

/** One delivery with its attempts (404 for another workspace's). */
export async function getDelivery(ctx: Ctx, id: string): Promise<DeliveryOut> {
  const [row] = (await ctx.db
    .select(selection)
    .from(hookDeliveries)
    .innerJoin(hookEvents, eq(hookEvents.id, hookDeliveries.eventId))
    .where(and(eq(hookDeliveries.id, id), eq(hookDeliveries.workspaceId, ctx.workspaceId)))) as DeliveryRow[];
  if (!row) throw notFound('webhook delivery', id);
  const attempts = await ctx.db.select().from(hookAttempts).where(and(eq(hookAttempts.workspaceId, ctx.workspaceId), eq(hookAttempts.deliveryId, id))).orderBy(asc(hookAttempts.id));
  return toOut(row, attempts);
}

/**
 * Sends a delivery's event again as a new delivery to the same endpoint, due now. The event id is
 * the same, so a receiver that already processed it can recognise the repeat (at-least-once).
 */
export async function replayDelivery(ctx: Ctx, id: string): Promise<string> {
  const [row] = await ctx.db.select().from(hookDeliveries).where(and(eq(hookDeliveries.id, id), eq(hookDeliveries.workspaceId, ctx.workspaceId)));
  if (!row) throw notFound('webhook delivery', id);
  const [copy] = await ctx.db
    .insert(hookDeliveries)
    .values({ workspaceId: ctx.workspaceId, endpointId: row.endpointId, eventId: row.eventId, nextAttemptAt: ctx.now, createdAt: ctx.now })
    .returning({ id: hookDeliveries.id });
  await recordAudit(ctx, { action: 'webhook_delivery.replayed', targetType: 'webhook_delivery', targetId: id, details: { replay_id: copy!.id, event_id: row.eventId } });
  return copy!.id;
}

/** Queues a `webhook.test` event for one endpoint only (whatever it subscribes to); returns the delivery id. */
export async function queueTestEvent(ctx: Ctx, endpointId: string): Promise<string> {
  await endpointRow(ctx, endpointId);
  const [event] = await ctx.db
    .insert(hookEvents)
    .values({ workspaceId: ctx.workspaceId, type: 'webhook.test', payload: { endpoint_id: endpointId, message: 'A test event sent from Greenlist', occurred_at: ctx.now.toISOString() }, createdAt: ctx.now })
    .returning({ id: hookEvents.id });
  const [delivery] = await ctx.db
    .insert(hookDeliveries)
    .values({ workspaceId: ctx.workspaceId, endpointId, eventId: event!.id, nextAttemptAt: ctx.now, createdAt: ctx.now })
    .returning({ id: hookDeliveries.id });
  return delivery!.id;
}
