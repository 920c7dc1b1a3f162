import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';
import { isWindowOpen, pairKey, type NumberState, type SimContext } from './context.js';
import { faultError, isRejectingFault, pickFault } from './faults.js';
import { authenticate, callerNumber } from './graph-auth.js';
import { GraphError } from './graph-errors.js';
import { playOut } from './lifecycle.js';
import { decideFate } from './message-fate.js';
import { phoneDigits, toWaId } from './normalize.js';
import { holdMessage, shouldHold } from './pacing.js';
import { checkTemplateSend } from './template-send.js';
import type { FaultRule } from './types.js';
import { parseMessagesRequest, type ParsedSend } from './validate-message.js';

/** Responses deliberately left hanging ("hang after accepting"); destroyed on close. */
export type HungResponses = Set<ServerResponse>;

/** Registers `POST /:version/:phoneNumberId/messages`. */
export function registerMessagesRoute(app: FastifyInstance, ctx: SimContext, hung: HungResponses): void {
  app.post<{ Params: { version: string; phoneNumberId: string } }>('/:version/:phoneNumberId/messages', async (req, reply) => {
    ctx.stats.requests++;
    const caller = authenticate(ctx, req, req.params.version);
    const n = callerNumber(caller, req.params.phoneNumberId, 'POST');
    const parsed = parseMessagesRequest(req.body);
    // A send by BSUID is keyed by the BSUID (windows, pair rate, population), like its inbound messages.
    const waId = parsed.kind === 'send' ? (parsed.send.userId ?? toWaId(parsed.send.digits!, ctx.knobs.waIdRules)) : undefined;
    const fault = pickFault(ctx, 'messages', n.config.phoneNumberId, waId);
    if (isRejectingFault(fault)) throw faultError(fault);
    let result: Record<string, unknown>;
    if (parsed.kind === 'read') {
      ctx.stats.markedRead++;
      if (parsed.typing) ctx.stats.typingIndicators++;
      result = { success: true };
    } else result = acceptSend(ctx, n, parsed.send, waId!, fault);
    if (fault?.hang) return hangUp(reply, fault, hung);
    if (fault?.acceptFirst) throw faultError(fault);
    return result;
  });
}

/**
 * Checks limits, records the message and starts its asynchronous life. Why: the 200 only means
 * "accepted"; there is no idempotency key, so identical POSTs create distinct wamids.
 */
function acceptSend(ctx: SimContext, n: NumberState, send: ParsedSend, waId: string, fault: FaultRule | undefined): Record<string, unknown> {
  const k = ctx.knobs;
  const now = ctx.clock.now();
  const tsend = send.type === 'template' ? checkTemplateSend(ctx.templates, n.config.wabaId, send.template) : undefined;
  if (waId === phoneDigits(n.config.displayNumber)) throw new GraphError(131021);
  // Throughput is per business number (mps); the excess is refused synchronously.
  if (k.throughput.enforce && !n.bucket.take(now)) throw new GraphError(130429);
  if (k.pairRate.enforce) {
    ctx.pairs.reconfigure(k.pairRate.intervalMs, k.pairRate.burst, now);
    if (!ctx.pairs.take(pairKey(n.config.phoneNumberId, waId), now)) throw new GraphError(131056);
  }
  const allowed = n.config.allowedRecipients;
  if (allowed && !allowed.some((a) => toWaId(phoneDigits(a) ?? a, k.waIdRules) === waId)) throw new GraphError(131030);
  const open = isWindowOpen(ctx, n.config.phoneNumberId, waId);
  if (!tsend && k.window.enforce && k.window.mode === 'sync' && !open) throw new GraphError(131047);
  const hold = tsend ? shouldHold(ctx, tsend.template) : false;
  const record = ctx.sent.add({
    wamid: ctx.ids.wamid(waId),
    phoneNumberId: n.config.phoneNumberId,
    to: send.to,
    waId,
    ...(send.userId ? { userId: send.userId } : {}),
    type: send.type,
    category: tsend ? (tsend.template.category.toLowerCase() as 'marketing' | 'utility' | 'authentication') : 'service',
    ...(tsend ? { template: { name: tsend.template.name, language: tsend.template.language, category: tsend.template.category } } : {}),
    ...(send.callbackData !== undefined ? { callbackData: send.callbackData } : {}),
    acceptedAt: now,
    ...(tsend ? { messageStatus: hold ? ('held_for_quality_assessment' as const) : ('accepted' as const) } : {}),
    state: hold ? 'held' : 'accepted',
    statuses: [],
    request: (send.raw ?? {}) as Record<string, unknown>,
  });
  ctx.stats.accepted++;
  const fate = decideFate(ctx, n, {
    waId,
    type: send.type,
    ...(tsend ? { templateCategory: tsend.template.category } : {}),
    ...(send.media ? { media: send.media } : {}),
    ...(send.reactionTo !== undefined ? { reactionTo: send.reactionTo } : {}),
    ...(fault?.mode === 'async' && fault.code !== undefined ? { forcedCode: fault.code } : {}),
  });
  const play = () =>
    playOut(ctx, n, record, fate, {
      ...(tsend ? { quickReplies: tsend.quickReplies } : {}),
      ...(send.options ? { options: send.options } : {}),
      ...(send.interactiveKind ? { interactiveKind: send.interactiveKind } : {}),
    });
  if (hold && tsend) holdMessage(ctx, tsend.template, n, record, play);
  else play();
  return {
    messaging_product: 'whatsapp',
    // Meta: a send by BSUID answers `user_id` and no `wa_id`.
    contacts: [send.userId ? { input: send.to, user_id: send.userId } : { input: send.to, wa_id: waId }],
    messages: [{ id: record.wamid, ...(record.messageStatus ? { message_status: record.messageStatus } : {}) }],
  };
}

// "Hang after accepting": the message is in and will be delivered, but the answer is lost.
function hangUp(reply: FastifyReply, fault: FaultRule, hung: HungResponses): void {
  reply.hijack();
  const raw = reply.raw;
  if (fault.hang === 'reset') {
    raw.destroy();
    return;
  }
  hung.add(raw);
  const timer = setTimeout(() => {
    hung.delete(raw);
    raw.destroy();
  }, fault.hangMs ?? 60_000);
  timer.unref();
  raw.once('close', () => {
    clearTimeout(timer);
    hung.delete(raw);
  });
}
