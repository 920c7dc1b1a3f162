import { signSha256, toMetaJson } from '../../src/simulator/index.js';

/** Serialises like Meta does (non-ASCII as \\uXXXX, "/" escaped), so bytes differ from JSON.stringify. */
export const metaJson = (value: unknown): string => toMetaJson(value);

/** X-Hub-Signature-256 for `body`. */
export const sign = (body: string, secret: string): string => signSha256(body, secret);

/** A `messages` change envelope for one business number. */
export function messagesEnvelope(n: { phoneNumberId: string; wabaId: string; display?: string }, value: Record<string, unknown>): unknown {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: n.wabaId, changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: n.display ?? '15550100000', phone_number_id: n.phoneNumberId }, ...value } }] }],
  };
}

/** An inbound text message value. */
export function textMessage(from: string, wamid: string, text: string, ts: number, name = 'Sheena'): Record<string, unknown> {
  return { contacts: [{ profile: { name }, wa_id: from }], messages: [{ from, id: wamid, timestamp: String(ts), type: 'text', text: { body: text } }] };
}

/** A status value. */
export function statusValue(wamid: string, status: string, ts: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { statuses: [{ id: wamid, status, timestamp: String(ts), recipient_id: '16505551234', ...extra }] };
}
