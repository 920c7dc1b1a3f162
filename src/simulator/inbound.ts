import { z } from 'zod';
import { displayName, migrateUser } from './account-events.js';
import { pairKey, webhookUrlFor, type NumberState, type SimContext } from './context.js';
import { asyncError } from './graph-errors.js';
import { TINY_PNG } from './media.js';
import { isBsuid, phoneDigits, toWaId } from './normalize.js';
import { inboundEvent } from './webhook-events.js';

const MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'] as const;
const INBOUND_LOG_LIMIT = 200_000;
const mediaSchema = z.object({ id: z.string().optional(), caption: z.string().optional(), mime_type: z.string().optional(), filename: z.string().optional(), voice: z.boolean().optional() });

/** `POST /_sim/inbound` body: a user sends the business a message (fields mirror Meta's payload). */
export const inboundSchema = z
  .object({
    from: z.string().min(1).optional(),
    /** The user's business-scoped user id; alone (no `from`) it is a username user who shares no phone. */
    user_id: z.string().refine(isBsuid, 'user_id must be a business-scoped user id such as US.13491208655302741918').optional(),
    username: z.string().optional(),
    phone_number_id: z.string().optional(),
    name: z.string().optional(),
    type: z.enum(['text', 'button', 'interactive', ...MEDIA_TYPES, 'location', 'reaction', 'request_welcome', 'system', 'unsupported']).optional(),
    text: z.string().optional(),
    button_payload: z.string().optional(),
    button_text: z.string().optional(),
    interactive: z.object({ type: z.enum(['button_reply', 'list_reply']), id: z.string(), title: z.string(), description: z.string().optional() }).optional(),
    image: mediaSchema.optional(),
    audio: mediaSchema.optional(),
    video: mediaSchema.optional(),
    document: mediaSchema.optional(),
    sticker: mediaSchema.optional(),
    location: z.object({ latitude: z.number(), longitude: z.number(), name: z.string().optional(), address: z.string().optional(), url: z.string().optional() }).optional(),
    reaction: z.object({ message_id: z.string(), emoji: z.string() }).optional(),
    context_id: z.string().optional(),
    forwarded: z.boolean().optional(),
    referral: z.union([z.literal(true), z.record(z.string(), z.unknown())]).optional(),
    new_wa_id: z.string().optional(),
    timestamp: z.number().int().optional(),
    delay_ms: z.number().min(0).optional(),
  })
  .refine((i) => i.from !== undefined || i.user_id !== undefined, { message: 'give from (a phone number), user_id (a business-scoped user id), or both', path: ['from'] });

/** A validated inbound injection. */
export type InboundInput = z.infer<typeof inboundSchema>;

/** What an injection produced. */
export interface InboundResult {
  wamid: string;
  phone_number_id: string;
  /** Absent for a username user who shares no phone. */
  wa_id?: string;
  user_id?: string;
  type: string;
  window_expires_at?: string;
}

function inferType(i: InboundInput): NonNullable<InboundInput['type']> {
  if (i.type) return i.type;
  if (i.button_payload !== undefined) return 'button';
  if (i.interactive) return 'interactive';
  for (const t of MEDIA_TYPES) if (i[t]) return t;
  if (i.location) return 'location';
  if (i.reaction) return 'reaction';
  if (i.new_wa_id) return 'system';
  return 'text';
}

/** Picks the number an injection targets (the first configured one by default). */
export function pickNumber(ctx: SimContext, phoneNumberId?: string): NumberState | undefined {
  return phoneNumberId ? ctx.numbers.get(phoneNumberId) : ctx.numbers.values().next().value;
}

/**
 * Delivers a user's message to the app as a signed webhook and, for anything but `system`,
 * opens/refreshes the 24 h customer-service window. Why: the window runs from the user's last
 * message; a reply also lifts the per-user marketing cap.
 */
export function deliverInbound(ctx: SimContext, n: NumberState, input: InboundInput): InboundResult {
  const phone = input.from === undefined ? undefined : phoneDigits(input.from);
  if (input.from !== undefined && !phone) throw new Error(`from is not a phone number: ${input.from}`);
  const userId = input.user_id;
  // The user's key in the simulator: the wa_id when the user shares a phone, else the BSUID.
  const waId = phone ? toWaId(phone, ctx.knobs.waIdRules) : userId!;
  if (!phone && inferType(input) === 'system') throw new Error('a system message needs from (the old phone number)');
  if (input.name) ctx.names.set(waId, input.name);
  const type = inferType(input);
  const now = ctx.clock.now();
  const wamid = ctx.ids.wamid(waId);
  // Username users (no phone shared) have `from_user_id` and no `from`; Meta adds `from_user_id` for others too.
  const message: Record<string, unknown> & { type: string } = {
    ...(phone ? { from: waId } : {}),
    ...(userId ? { from_user_id: userId } : {}),
    id: wamid,
    timestamp: String(input.timestamp ?? Math.floor(now / 1000)),
    type,
  };
  const lastSent = (pred?: (r: { type: string }) => boolean) => ctx.sent.lastTo(n.config.phoneNumberId, waId, pred);
  const contextId = input.context_id ?? (type === 'button' ? lastSent((r) => r.type === 'template')?.wamid : type === 'interactive' ? lastSent((r) => r.type === 'interactive')?.wamid : undefined);
  if (contextId) message.context = { from: n.config.displayNumber, id: contextId };
  else if (input.forwarded) message.context = { forwarded: true };
  switch (type) {
    case 'text':
      message.text = { body: input.text ?? 'Hi' };
      break;
    case 'button': {
      const payload = input.button_payload ?? input.button_text ?? 'Button';
      message.button = { payload, text: input.button_text ?? payload };
      break;
    }
    case 'interactive': {
      const it = input.interactive ?? { type: 'button_reply' as const, id: 'btn_0', title: 'OK' };
      message.interactive = { type: it.type, [it.type]: { id: it.id, title: it.title, ...(it.description ? { description: it.description } : {}) } };
      break;
    }
    case 'location':
      message.location = input.location ?? { latitude: 37.4847, longitude: -122.1486, name: 'Meta HQ', address: '1 Hacker Way, Menlo Park, CA' };
      break;
    case 'reaction':
      message.reaction = input.reaction ?? { message_id: lastSent()?.wamid ?? wamid, emoji: '👍' };
      break;
    case 'system': {
      const to = input.new_wa_id ? toWaId(phoneDigits(input.new_wa_id) ?? input.new_wa_id, ctx.knobs.waIdRules) : `${waId.slice(0, -1)}${(Number(waId.slice(-1)) + 1) % 10}`;
      message.system = { body: `User ${displayName(ctx, waId)} changed from ${waId} to ${to}`, wa_id: to, type: 'user_changed_number' };
      migrateUser(ctx, n, waId, to);
      break;
    }
    case 'unsupported':
      message.errors = [asyncError(131051, undefined, false)];
      break;
    case 'request_welcome':
      break;
    default:
      message[type] = mediaPayload(ctx, n, type, input[type] ?? {});
  }
  if (input.referral) message.referral = referralPayload(ctx, input.referral);
  if (type !== 'system') openWindow(ctx, n, waId, now, !!input.referral);
  ctx.inbound.set(wamid, { wamid, phoneNumberId: n.config.phoneNumberId, from: waId, type, at: now, message });
  if (ctx.inbound.size > INBOUND_LOG_LIMIT) ctx.inbound.delete(ctx.inbound.keys().next().value!);
  ctx.stats.inbound++;
  const contact =
    type === 'system'
      ? undefined
      : { profile: { name: displayName(ctx, waId), ...(input.username ? { username: input.username } : {}) }, ...(phone ? { wa_id: waId } : {}), ...(userId ? { user_id: userId } : {}) };
  ctx.webhooks.emit(inboundEvent(n.config, contact, message, webhookUrlFor(ctx, n.config)), input.delay_ms ?? 0);
  const w = ctx.windows.get(pairKey(n.config.phoneNumberId, waId));
  return {
    wamid,
    phone_number_id: n.config.phoneNumberId,
    ...(phone ? { wa_id: waId } : {}),
    ...(userId ? { user_id: userId } : {}),
    type,
    ...(w ? { window_expires_at: new Date(w.lastInboundAt + ctx.knobs.window.lengthMs).toISOString() } : {}),
  };
}

function openWindow(ctx: SimContext, n: NumberState, waId: string, now: number, referral: boolean): void {
  const key = pairKey(n.config.phoneNumberId, waId);
  const prev = ctx.windows.get(key);
  // A Click-to-WhatsApp referral opens a 72 h free entry point.
  const entryPointUntil = referral ? now + 72 * 3600_000 : prev?.entryPointUntil;
  ctx.windows.set(key, { phoneNumberId: n.config.phoneNumberId, waId, lastInboundAt: now, ...(entryPointUntil ? { entryPointUntil } : {}) });
  ctx.marketingCap.reset(waId);
}

function mediaPayload(ctx: SimContext, n: NumberState, type: string, m: z.infer<typeof mediaSchema>): Record<string, unknown> {
  const now = ctx.clock.now();
  // A named id that was never uploaded is passed through as-is (the app's download then fails,
  // as it would for expired media); otherwise the bytes live in the media store.
  const item = (m.id ? ctx.media.get(m.id, now) : undefined) ?? (m.id ? undefined : ctx.media.add(n.config.phoneNumberId, type === 'image' ? TINY_PNG : Buffer.from(`simulated ${type}`), m.mime_type ?? defaultMime(type), now, m.filename));
  return {
    ...(m.caption ? { caption: m.caption } : {}),
    mime_type: item?.mimeType ?? m.mime_type ?? defaultMime(type),
    sha256: item?.sha256 ?? Buffer.from(m.id ?? '').toString('base64'),
    id: item?.id ?? m.id,
    ...(type === 'document' ? { filename: m.filename ?? 'document.pdf' } : {}),
    ...(type === 'audio' ? { voice: m.voice ?? false } : {}),
    ...(type === 'sticker' ? { animated: false } : {}),
  };
}

function defaultMime(type: string): string {
  return { image: 'image/png', audio: 'audio/ogg', video: 'video/mp4', document: 'application/pdf', sticker: 'image/webp' }[type] ?? 'application/octet-stream';
}

function referralPayload(ctx: SimContext, r: true | Record<string, unknown>): Record<string, unknown> {
  return {
    source_url: 'https://fb.me/3cr4Wqqkv',
    source_id: '120226305854810726',
    source_type: 'ad',
    body: 'Summer Succulents are here!',
    headline: 'Chat with us',
    media_type: 'image',
    image_url: 'https://scontent.xx.fbcdn.net/v/sim-ad.jpg',
    ctwa_clid: `Aff-${ctx.ids.traceId()}`,
    welcome_message: { text: 'Hi there! How can we help?' },
    ...(r === true ? {} : r),
  };
}
