import { z } from 'zod';
import { AppError } from '../../lib/errors.js';
import type { InboundMessageEvent, StatusEvent, WebhookEvent } from '../../modules/inbound/index.js';
import { makeWellFormed, mayHoldUndecodable } from './well-formed.js';

// Meta adds fields often, so every object is loose: unknown fields pass, known ones are checked.
const errorItem = z.looseObject({ code: z.number() });
const envelope = z.looseObject({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z.looseObject({
      id: z.string(),
      time: z.number().optional(),
      changes: z.array(z.looseObject({ field: z.string(), value: z.looseObject({}) })),
    }),
  ),
});
const metadata = z.looseObject({ phone_number_id: z.string(), display_phone_number: z.string().optional() });
const messageItem = z.looseObject({
  from: z.string().optional(),
  // Business-scoped user id; the only id of a username user who shares no phone (then no `from`).
  from_user_id: z.string().optional(),
  id: z.string(),
  timestamp: z.union([z.string(), z.number()]),
  type: z.string(),
  context: z.looseObject({ id: z.string().optional() }).optional(),
  referral: z.looseObject({}).optional(),
  errors: z.array(errorItem).optional(),
});
const statusItem = z.looseObject({
  id: z.string(),
  status: z.string(),
  timestamp: z.union([z.string(), z.number()]),
  recipient_id: z.string().optional(),
  // Sends addressed by BSUID (`recipient`) report it here instead of `recipient_id`.
  recipient_user_id: z.string().optional(),
  biz_opaque_callback_data: z.string().optional(),
  errors: z.array(errorItem).optional(),
  pricing: z.looseObject({}).optional(),
});

function epoch(ts: string | number | undefined, fallback: Date): Date {
  const n = Number(ts);
  return Number.isFinite(n) && n > 0 ? new Date(n * 1000) : fallback;
}

type Obj = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Extracts the human text and the machine reply id of any inbound message type. */
function contentOf(m: Obj): { body: string | null; replyId: string | null; newWaId: string | null } {
  const type = String(m.type);
  const part = (m[type] ?? {}) as Obj;
  switch (type) {
    case 'text':
      return { body: str(part.body), replyId: null, newWaId: null };
    case 'button':
      return { body: str(part.text), replyId: str(part.payload), newWaId: null };
    case 'interactive': {
      const kind = String(part.type);
      const reply = (part[kind] ?? {}) as Obj;
      return { body: str(reply.title) ?? str(reply.body), replyId: str(reply.id), newWaId: null };
    }
    case 'image':
    case 'video':
    case 'document':
      return { body: str(part.caption), replyId: null, newWaId: null };
    case 'location':
      return { body: [str(part.name), str(part.address)].filter(Boolean).join(', ') || null, replyId: null, newWaId: null };
    case 'reaction':
      return { body: str(part.emoji), replyId: str(part.message_id), newWaId: null };
    case 'system':
      return { body: str(part.body), replyId: null, newWaId: str(part.wa_id) ?? str(part.new_wa_id) };
    default:
      return { body: null, replyId: null, newWaId: null };
  }
}

function parseMessagesChange(value: Obj, receivedAt: Date): WebhookEvent[] {
  const meta = metadata.safeParse(value.metadata);
  if (!meta.success) return [{ kind: 'ignored', field: 'messages' }];
  const phoneNumberId = meta.data.phone_number_id;
  const names = new Map<string, string>();
  for (const c of (value.contacts as Obj[] | undefined) ?? []) {
    const name = (c.profile as Obj | undefined)?.name;
    const key = typeof c.wa_id === 'string' ? c.wa_id : c.user_id;
    if (typeof key === 'string' && typeof name === 'string') names.set(key, name);
  }
  const out: WebhookEvent[] = [];
  for (const raw of (value.messages as unknown[] | undefined) ?? []) {
    const m = messageItem.safeParse(raw);
    const address = m.success ? (m.data.from ?? m.data.from_user_id) : undefined;
    if (!m.success || !address) continue;
    const content = contentOf(m.data);
    const ev: InboundMessageEvent = {
      kind: 'message',
      phoneNumberId,
      waId: address,
      userId: m.data.from_user_id ?? null,
      profileName: names.get(address),
      wamid: m.data.id,
      at: epoch(m.data.timestamp, receivedAt),
      type: m.data.type,
      ...content,
      contextWamid: m.data.context?.id ?? null,
      referral: m.data.referral ?? null,
      errorCodes: (m.data.errors ?? []).map((e) => e.code),
      raw: m.data,
    };
    out.push(ev);
  }
  for (const raw of (value.statuses as unknown[] | undefined) ?? []) {
    const s = statusItem.safeParse(raw);
    if (!s.success) continue;
    const ev: StatusEvent = {
      kind: 'status',
      phoneNumberId,
      wamid: s.data.id,
      status: s.data.status,
      at: epoch(s.data.timestamp, receivedAt),
      recipientWaId: s.data.recipient_id ?? s.data.recipient_user_id ?? null,
      callbackData: s.data.biz_opaque_callback_data ?? null,
      errorCodes: (s.data.errors ?? []).map((e) => e.code),
      pricing: s.data.pricing ?? null,
    };
    out.push(ev);
  }
  const errors = (value.errors as unknown[] | undefined) ?? [];
  if (errors.length > 0) out.push({ kind: 'system_error', phoneNumberId, errorCodes: errors.map((e) => Number((e as Obj).code)).filter(Number.isFinite) });
  return out;
}

function parseChange(wabaId: string, time: Date, field: string, value: Obj): WebhookEvent[] {
  switch (field) {
    case 'messages':
      return parseMessagesChange(value, time);
    case 'message_template_status_update':
      return [
        {
          kind: 'template_status',
          wabaId,
          metaId: String(value.message_template_id ?? ''),
          name: String(value.message_template_name ?? ''),
          language: String(value.message_template_language ?? ''),
          event: String(value.event ?? ''),
          reason: str(value.reason),
          category: str(value.message_template_category),
          at: time,
        },
      ];
    case 'message_template_quality_update':
      return [{ kind: 'template_quality', wabaId, metaId: String(value.message_template_id ?? ''), quality: String(value.new_quality_score ?? 'UNKNOWN'), at: time }];
    case 'user_preferences': {
      const meta = metadata.safeParse(value.metadata);
      if (!meta.success) return [{ kind: 'ignored', field }];
      return ((value.user_preferences as Obj[] | undefined) ?? []).map((p) => ({
        kind: 'user_preference' as const,
        phoneNumberId: meta.data.phone_number_id,
        waId: String(p.wa_id ?? p.user_id ?? ''),
        category: String(p.category ?? ''),
        value: String(p.value ?? ''),
        at: epoch(p.timestamp as number | undefined, time),
      }));
    }
    case 'phone_number_quality_update':
      return [
        {
          kind: 'number_quality',
          wabaId,
          displayNumber: String(value.display_phone_number ?? ''),
          event: String(value.event ?? ''),
          limitTier: str(value.current_limit) ?? (value.max_daily_conversations_per_business === undefined ? null : String(value.max_daily_conversations_per_business)),
          at: time,
        },
      ];
    default:
      return [{ kind: 'ignored', field }];
  }
}

/** Parses a verified webhook body into normalised events. A body that is not a WhatsApp webhook is an error. */
export function parseWebhook(raw: string, receivedAt = new Date()): WebhookEvent[] {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new AppError('WEBHOOK_PAYLOAD_INVALID', 'webhook body is not JSON');
  }
  // Values the database cannot hold are replaced (U+FFFD) and reported, so the rest of the body is applied.
  const undecodable = mayHoldUndecodable(raw) ? makeWellFormed(json) : [];
  const env = envelope.safeParse(json);
  if (!env.success) throw new AppError('WEBHOOK_PAYLOAD_INVALID', 'webhook body is not a whatsapp_business_account event', { issues: env.error.issues.slice(0, 3).map((i) => i.path.join('.')) });
  const events = env.data.entry.flatMap((e) => e.changes.flatMap((c) => parseChange(e.id, e.time ? new Date(e.time * 1000) : receivedAt, c.field, c.value as Obj)));
  return undecodable.length === 0 ? events : [...events, ...undecodable.map((u) => ({ kind: 'undecodable' as const, ...u }))];
}

/** One change of a body, as routing sees it: its entry's WABA id and, for number-level fields, the phone-number id. */
export interface RoutingUnit {
  wabaId: string;
  phoneNumberId: string | null;
}

/**
 * What a body is about, read with one plain JSON.parse (this runs on every accepted webhook before
 * the ack, so it avoids schema validation): one unit per change; empty when unparsable.
 */
export function routingIdsOf(raw: string): { phoneNumberIds: string[]; units: RoutingUnit[] } {
  const phoneNumberIds = new Set<string>();
  const units: RoutingUnit[] = [];
  try {
    const env = JSON.parse(raw) as { entry?: { id?: unknown; changes?: { value?: { metadata?: { phone_number_id?: unknown } } }[] }[] };
    for (const e of Array.isArray(env.entry) ? env.entry : []) {
      const wabaId = typeof e?.id === 'string' ? e.id : '';
      for (const c of Array.isArray(e?.changes) ? e.changes : []) {
        const id = c?.value?.metadata?.phone_number_id;
        const phoneNumberId = typeof id === 'string' ? id : null;
        if (phoneNumberId) phoneNumberIds.add(phoneNumberId);
        units.push({ wabaId, phoneNumberId });
      }
    }
  } catch {
    // not JSON: no units, so no number can vouch for it
  }
  return { phoneNumberIds: [...phoneNumberIds], units };
}
