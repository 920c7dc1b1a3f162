import { createHmac } from 'node:crypto';

/** Serialises like Meta does: non-ASCII as lowercase \uXXXX and "/" escaped, so bytes differ from JSON.stringify. */
export function metaJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\//g, '\\/');
}

/** X-Hub-Signature-256 for `body`. */
export function sign(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

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
