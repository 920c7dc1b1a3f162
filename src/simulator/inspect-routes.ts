import type { FastifyInstance } from 'fastify';
import { isWindowOpen, messagingLimitOf, type SimContext } from './context.js';
import { targetNumber, waIdOf } from './control-routes.js';
import { userProfile } from './population.js';
import type { DeliveryRecord, SentMessage } from './types.js';

type Query = Record<string, string | undefined>;
const iso = (ms: number) => new Date(ms).toISOString();
const DAY = 24 * 3600_000;

/** A sent-log record as control-plane JSON. */
export function sentView(r: SentMessage): Record<string, unknown> {
  return {
    seq: r.seq,
    wamid: r.wamid,
    phone_number_id: r.phoneNumberId,
    to: r.to,
    wa_id: r.waId,
    type: r.type,
    category: r.category,
    ...(r.template ? { template: r.template } : {}),
    ...(r.callbackData !== undefined ? { biz_opaque_callback_data: r.callbackData } : {}),
    accepted_at: iso(r.acceptedAt),
    ...(r.messageStatus ? { message_status: r.messageStatus } : {}),
    state: r.state,
    ...(r.errorCode !== undefined ? { error_code: r.errorCode } : {}),
    statuses: r.statuses.map((s) => ({ status: s.status, at: iso(s.at) })),
    request: r.request,
  };
}

/** A delivery-log record as control-plane JSON. */
export function deliveryView(d: DeliveryRecord, withBody: boolean): Record<string, unknown> {
  return {
    id: d.id,
    url: d.url ?? null,
    state: d.state,
    events: d.events,
    ...(d.duplicateOf !== undefined ? { duplicate_of: d.duplicateOf } : {}),
    created_at: iso(d.createdAt),
    attempts: d.attempts.map((a) => ({ at: iso(a.at), status: a.status ?? null, ...(a.error ? { error: a.error } : {}), duration_ms: a.durationMs })),
    signature: d.signature,
    ...(withBody ? { body: d.body } : {}),
  };
}

/** Registers the read-only `/_sim` inspection routes. */
export function registerInspectRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.get<{ Querystring: Query }>('/_sim/sent', async (req) => {
    const q = req.query;
    const records = ctx.sent.list({
      ...(q.to ? { waId: waIdOf(ctx, q.to) } : {}),
      ...(q.phone_number_id ? { phoneNumberId: q.phone_number_id } : {}),
      ...(q.after_seq ? { afterSeq: Number(q.after_seq) } : {}),
      ...(q.limit ? { limit: Number(q.limit) } : {}),
    });
    return { data: records.map(sentView) };
  });

  app.get<{ Querystring: Query }>('/_sim/inbound', async (req) => {
    const from = req.query.from ? waIdOf(ctx, req.query.from) : undefined;
    const data = [...ctx.inbound.values()].filter((m) => !from || m.from === from).map((m) => ({ wamid: m.wamid, phone_number_id: m.phoneNumberId, from: m.from, type: m.type, at: iso(m.at), message: m.message }));
    return { data };
  });

  app.get<{ Querystring: Query }>('/_sim/windows', async (req) => {
    const waId = req.query.wa_id ? waIdOf(ctx, req.query.wa_id) : undefined;
    const data = [...ctx.windows.values()]
      .filter((w) => (!waId || w.waId === waId) && (!req.query.phone_number_id || w.phoneNumberId === req.query.phone_number_id))
      .map((w) => ({
        phone_number_id: w.phoneNumberId,
        wa_id: w.waId,
        open: isWindowOpen(ctx, w.phoneNumberId, w.waId),
        last_inbound_at: iso(w.lastInboundAt),
        expires_at: iso(w.lastInboundAt + ctx.knobs.window.lengthMs),
        ...(w.entryPointUntil ? { free_entry_point_until: iso(w.entryPointUntil) } : {}),
      }));
    return { data };
  });

  app.get<{ Querystring: Query }>('/_sim/limits', async (req) => {
    const now = ctx.clock.now();
    const waId = req.query.wa_id ? waIdOf(ctx, req.query.wa_id) : undefined;
    const numbers = [...ctx.numbers.values()].filter((n) => !req.query.phone_number_id || n.config.phoneNumberId === req.query.phone_number_id);
    return {
      numbers: numbers.map((n) => {
        const limit = messagingLimitOf(n.config);
        return {
          phone_number_id: n.config.phoneNumberId,
          throughput: { mps: n.config.mps, ...snake(n.bucket.peek(now)) },
          messaging_limit: { tier: n.config.messagingLimitTier, limit: Number.isFinite(limit) ? limit : null, used: n.initiated.size(now, DAY) },
        };
      }),
      pairs: ctx.pairs
        .snapshot(now, (key) => (!waId || key.endsWith(`|${waId}`)) && (!req.query.phone_number_id || key.startsWith(`${req.query.phone_number_id}|`)))
        .map(({ key, ...b }) => ({ phone_number_id: key.split('|')[0], wa_id: key.split('|')[1], ...snake(b), interval_ms: ctx.knobs.pairRate.intervalMs })),
      ...(waId ? { marketing_cap: { wa_id: waId, count: ctx.marketingCap.count(waId, now, ctx.knobs.marketingCap.windowMs), per_user: ctx.knobs.marketingCap.perUser } } : {}),
      rejected_by_code: Object.fromEntries(ctx.stats.rejectedByCode),
    };
  });

  app.get('/_sim/health', async () => ({ ok: true }));

  app.get('/_sim/stats', async () => ({ ...ctx.stats.toJSON(), sent_log_size: ctx.sent.size, webhook_backlog: ctx.webhooks.backlog() }));

  app.get<{ Querystring: Query }>('/_sim/webhooks', async (req) => {
    const q = req.query;
    let log = ctx.webhooks.log().filter((d) => !q.state || d.state === q.state);
    if (q.limit) log = log.slice(-Number(q.limit));
    return { data: log.map((d) => deliveryView(d, q.body !== 'false')) };
  });

  app.get<{ Params: { waId: string } }>('/_sim/population/:waId', async (req) => {
    const waId = waIdOf(ctx, req.params.waId);
    const p = userProfile(ctx.seed, waId, ctx.knobs.population);
    const n = targetNumber(ctx);
    return {
      wa_id: waId,
      name: ctx.names.get(waId) ?? p.name,
      on_whatsapp: p.onWhatsapp,
      online: p.online,
      read_receipts: p.readReceipts,
      engagement: Math.round(p.engagement * 100) / 100,
      stopped_marketing: ctx.stops.has(`${n.config.wabaId}|${waId}`),
      window_open: isWindowOpen(ctx, n.config.phoneNumberId, waId),
      messages_received: ctx.userMessageCount.get(waId) ?? 0,
    };
  });
}

function snake(b: { tokens: number; capacity: number; nextTokenInMs: number }) {
  return { tokens: b.tokens, capacity: b.capacity, next_token_in_ms: b.nextTokenInMs };
}
