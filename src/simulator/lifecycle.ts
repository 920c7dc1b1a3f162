import { createHash } from 'node:crypto';
import { setUserPreference } from './account-events.js';
import { webhookUrlFor, type NumberState, type SimContext } from './context.js';
import { asyncError } from './graph-errors.js';
import { deliverInbound } from './inbound.js';
import type { Fate, Pricing } from './message-fate.js';
import { decideResponse, userProfile, type UserAction } from './population.js';
import { hashUnit } from './random.js';
import type { QuickReply } from './template-send.js';
import type { SentMessage, StatusName } from './types.js';
import type { ReplyOption } from './validate-message.js';
import { statusEvent } from './webhook-events.js';

/** What the user could tap on a delivered message. */
export interface Tappables {
  quickReplies?: QuickReply[];
  options?: ReplyOption[];
  interactiveKind?: string;
}

const DAY_SEC = 86_400;

function jittered(ctx: SimContext, base: number, key: string, what: string): number {
  const j = ctx.knobs.statusDelays.jitter;
  return Math.max(0, base * (1 + j * (2 * hashUnit(ctx.seed, key, what) - 1)));
}

function statusObject(ctx: SimContext, n: NumberState, r: SentMessage, status: StatusName, pricing?: Pricing, code?: number, details?: string): Record<string, unknown> & { id: string; status: string } {
  const sec = Math.floor(ctx.clock.now() / 1000);
  const conversation =
    ctx.knobs.webhooks.includeConversation && pricing
      ? {
          conversation: {
            id: createHash('md5').update(`${ctx.seed}|${n.config.phoneNumberId}|${r.waId}|${pricing.category}|${Math.floor(r.acceptedAt / 86_400_000)}`).digest('hex'),
            ...(status === 'sent' ? { expiration_timestamp: String(sec + DAY_SEC) } : {}),
            origin: { type: pricing.category },
          },
        }
      : {};
  return {
    id: r.wamid,
    status,
    timestamp: String(sec),
    ...(r.userId ? { recipient_user_id: r.userId } : { recipient_id: r.waId }),
    ...(r.callbackData !== undefined ? { biz_opaque_callback_data: r.callbackData } : {}),
    ...conversation,
    ...(pricing ? { pricing } : {}),
    ...(code !== undefined ? { errors: [asyncError(code, details)] } : {}),
  };
}

function emitStatus(ctx: SimContext, n: NumberState, r: SentMessage, status: StatusName, pricing?: Pricing, code?: number, details?: string): void {
  r.statuses.push({ status, at: ctx.clock.now() });
  // Monotonic in the log: a late `delivered` after `read` does not move the state back.
  const rank: Record<string, number> = { accepted: 0, held: 0, sent: 1, delivered: 2, read: 3, played: 4, failed: 5 };
  if (status === 'failed' || (r.state !== 'failed' && rank[status]! > rank[r.state]!)) r.state = status;
  if (code !== undefined) r.errorCode = code;
  ctx.webhooks.emit(statusEvent(n.config, statusObject(ctx, n, r, status, pricing, code, details), webhookUrlFor(ctx, n.config)));
}

/** Fails a message asynchronously: a `failed` status with `errors[]` and no pricing. */
export function failMessage(ctx: SimContext, n: NumberState, r: SentMessage, code: number, details?: string, delayMs = 0): void {
  ctx.schedule(delayMs, () => {
    ctx.stats.fail(code);
    emitStatus(ctx, n, r, 'failed', undefined, code, details);
  });
}

/**
 * Plays out an accepted message: sent → delivered → read with the population's choices (some
 * users are offline, some read without receipts, some read without a `delivered` first), then
 * perhaps a reply, a button tap or a STOP as an inbound webhook.
 */
export function playOut(ctx: SimContext, n: NumberState, r: SentMessage, fate: Fate, tappables: Tappables): void {
  const d = ctx.knobs.statusDelays;
  if (fate.failCode !== undefined) {
    failMessage(ctx, n, r, fate.failCode, fate.failDetails, jittered(ctx, d.sentMs, r.wamid, 'sent'));
    if (ctx.rng.chance(ctx.knobs.chaos.deliveredAfterFailedRate)) ctx.schedule(jittered(ctx, d.deliveredMs, r.wamid, 'delivered'), () => emitStatus(ctx, n, r, 'delivered', fate.pricing));
    return;
  }
  // Meta sends only `sent` for a reaction: no delivered, no read, and the user does not act on it.
  if (r.type === 'reaction') {
    ctx.schedule(jittered(ctx, d.sentMs, r.wamid, 'sent'), () => emitStatus(ctx, n, r, 'sent', fate.pricing));
    return;
  }
  const index = (ctx.userMessageCount.get(r.waId) ?? 0) + 1;
  ctx.userMessageCount.set(r.waId, index);
  // Keyed by (user, message number) rather than wamid, so timings survive concurrent senders.
  const key = `${r.waId}#${index}`;
  const tSent = jittered(ctx, d.sentMs, key, 'sent');
  const profile = userProfile(ctx.seed, r.waId, ctx.knobs.population);
  const buttonCount = tappables.quickReplies?.length ?? tappables.options?.length ?? 0;
  const response = decideResponse(ctx.seed, profile, index, ctx.knobs.population, { buttonCount, isMarketing: r.template?.category === 'MARKETING' });
  const tDelivered = Math.max(tSent, jittered(ctx, d.deliveredMs, key, 'delivered'));
  const tRead = Math.max(tDelivered, jittered(ctx, d.readMs, key, 'read'));
  ctx.schedule(tSent, () => emitStatus(ctx, n, r, 'sent', fate.pricing));
  if (!response.delivered) return;
  if (!response.skipDelivered) ctx.schedule(tDelivered, () => emitStatus(ctx, n, r, 'delivered', fate.pricing));
  if (response.readReceipt) ctx.schedule(tRead, () => emitStatus(ctx, n, r, 'read', fate.pricing));
  // Voice notes (audio) report a first play after the read.
  if (response.readReceipt && r.type === 'audio') ctx.schedule(tRead + d.readMs / 2, () => emitStatus(ctx, n, r, 'played', fate.pricing));
  const action = response.action;
  if (action) ctx.schedule(tRead + response.actionDelayMs, () => act(ctx, n, r, action, tappables));
}

function act(ctx: SimContext, n: NumberState, r: SentMessage, action: UserAction, t: Tappables): void {
  // A user reached by BSUID answers as a username user: `from_user_id`, no `from`.
  const who = r.userId ? { user_id: r.userId } : { from: r.waId };
  switch (action.kind) {
    case 'reply':
      deliverInbound(ctx, n, { ...who, text: action.text });
      return;
    case 'stop':
      deliverInbound(ctx, n, { ...who, text: action.text });
      return;
    case 'preference_stop':
      setUserPreference(ctx, n, r.waId, 'stop');
      return;
    case 'tap': {
      const qr = t.quickReplies?.[action.buttonIndex];
      if (qr) {
        deliverInbound(ctx, n, { ...who, type: 'button', button_payload: qr.payload, button_text: qr.text, context_id: r.wamid });
        return;
      }
      const opt = t.options?.[action.buttonIndex];
      if (opt) {
        const type = t.interactiveKind === 'list' ? 'list_reply' : 'button_reply';
        deliverInbound(ctx, n, { ...who, interactive: { type, id: opt.id, title: opt.title, ...(opt.description ? { description: opt.description } : {}) }, context_id: r.wamid });
      }
    }
  }
}
