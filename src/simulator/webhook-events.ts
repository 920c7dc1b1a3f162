import type { PhoneNumberConfig } from './types.js';

/** Webhook fields the simulator emits. */
export type WebhookField = 'messages' | 'user_preferences' | 'message_template_status_update' | 'message_template_quality_update' | 'phone_number_quality_update';

/** One change waiting to be delivered. */
export interface SimEvent {
  field: WebhookField;
  wabaId: string;
  phoneNumberId?: string;
  value: Record<string, unknown>;
  /** e.g. "messages:status:delivered"; shown in the delivery log. */
  label: string;
  /** Events with the same key are the ones the out-of-order knob swaps (a message, a user). */
  orderKey: string;
  /** Where it goes; undefined = no receiver configured. */
  url?: string;
}

/** A `contacts[]` entry: `wa_id` (phone) and/or `user_id` (BSUID); `username` only for username users. */
export interface WebhookContact {
  profile: { name: string; username?: string };
  wa_id?: string;
  user_id?: string;
}

const contactKey = (c: WebhookContact) => c.wa_id ?? c.user_id;

const metadata = (n: PhoneNumberConfig) => ({ display_phone_number: n.displayNumber, phone_number_id: n.phoneNumberId });

/** A `statuses[]` change for one message. */
export function statusEvent(n: PhoneNumberConfig, status: Record<string, unknown> & { id: string; status: string }, url?: string): SimEvent {
  return {
    field: 'messages',
    wabaId: n.wabaId,
    phoneNumberId: n.phoneNumberId,
    value: { messaging_product: 'whatsapp', metadata: metadata(n), statuses: [status] },
    label: `messages:status:${status.status}`,
    orderKey: status.id,
    url,
  };
}

/** An inbound `messages[]` change; `contact` is omitted for `system` messages, as on the real API. */
export function inboundEvent(n: PhoneNumberConfig, contact: WebhookContact | undefined, message: Record<string, unknown> & { type: string }, url?: string): SimEvent {
  return {
    field: 'messages',
    wabaId: n.wabaId,
    phoneNumberId: n.phoneNumberId,
    value: { messaging_product: 'whatsapp', metadata: metadata(n), ...(contact ? { contacts: [contact] } : {}), messages: [message] },
    label: `messages:inbound:${message.type}`,
    orderKey: `user:${String(message.from ?? message.from_user_id)}`,
    url,
  };
}

/** A `user_preferences` change (marketing stop/resume). */
export function userPreferencesEvent(n: PhoneNumberConfig, contact: WebhookContact, value: 'stop' | 'resume', timestampSec: number, url?: string): SimEvent {
  const detail = value === 'stop' ? 'User requested to stop marketing messages' : 'User requested to resume marketing messages';
  return {
    field: 'user_preferences',
    wabaId: n.wabaId,
    phoneNumberId: n.phoneNumberId,
    value: {
      messaging_product: 'whatsapp',
      metadata: metadata(n),
      contacts: [contact],
      user_preferences: [{ ...(contact.wa_id ? { wa_id: contact.wa_id } : { user_id: contact.user_id }), detail, category: 'marketing_messages', value, timestamp: timestampSec }],
    },
    label: `user_preferences:${value}`,
    orderKey: `user:${contactKey(contact)}`,
    url,
  };
}

/** A WABA-level change (template status/quality, phone-number quality): no metadata. */
export function accountEvent(field: WebhookField, wabaId: string, value: Record<string, unknown>, label: string, url?: string): SimEvent {
  return { field, wabaId, value, label: `${field}:${label}`, orderKey: `${field}:${wabaId}`, url };
}

/**
 * Wraps events in the real envelope. Several events become one POST when batched: one entry per
 * WABA; `messages` changes of the same number merge their arrays, as Meta does.
 */
export function buildEnvelope(events: SimEvent[], nowSec: number): Record<string, unknown> {
  const entries = new Map<string, { id: string; time?: number; changes: { field: string; value: Record<string, unknown> }[] }>();
  for (const e of events) {
    let entry = entries.get(e.wabaId);
    if (!entry) {
      entry = { id: e.wabaId, changes: [] };
      entries.set(e.wabaId, entry);
    }
    // Non-messages fields carry entry.time (integer seconds).
    if (e.field !== 'messages') entry.time = nowSec;
    const same = e.field === 'messages' ? entry.changes.find((c) => c.field === 'messages' && (c.value.metadata as { phone_number_id?: string }).phone_number_id === e.phoneNumberId) : undefined;
    if (same) mergeMessagesValue(same.value, e.value);
    else entry.changes.push({ field: e.field, value: { ...e.value } }); // merges build new arrays, so a shallow copy suffices
  }
  return {
    object: 'whatsapp_business_account',
    entry: [...entries.values()].map((en) => ({ id: en.id, ...(en.time === undefined ? {} : { time: en.time }), changes: en.changes })),
  };
}

function mergeMessagesValue(into: Record<string, unknown>, from: Record<string, unknown>): void {
  for (const key of ['contacts', 'messages', 'statuses', 'errors']) {
    const add = from[key] as unknown[] | undefined;
    if (!add) continue;
    const cur = (into[key] as unknown[] | undefined) ?? [];
    if (key === 'contacts') {
      const seen = new Set(cur.map((c) => contactKey(c as WebhookContact)));
      into[key] = [...cur, ...add.filter((c) => !seen.has(contactKey(c as WebhookContact)))];
    } else into[key] = [...cur, ...add];
  }
}
