import { z } from 'zod';
import { isoTimestamp } from '../../lib/iso-time.js';

const isoTime = isoTimestamp();

/** One customer event as a shop or CRM sends it. The contact is named by id or by phone. */
export const eventIn = z
  .strictObject({
    contact_id: z.uuid().optional(),
    phone: z.string().min(3).max(32).optional().describe('E.164, or national format in the workspace default country'),
    type: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[a-z0-9][a-z0-9_.:-]*$/i, 'use letters, digits and _ . : - (e.g. "purchase", "appointment.booked")')
      .describe('what happened, e.g. "purchase", "refund", "appointment.booked"; a "refund" with properties.order_id takes its amount back from the revenue credited for the purchase with the same order_id'),
    properties: z.record(z.string(), z.unknown()).optional(),
    amount: z.number().finite().min(-1e12).max(1e12).optional().describe('purchases: the order value (also read from properties.amount)'),
    currency: z.string().regex(/^[A-Z]{3}$/, 'use an ISO 4217 code such as "EUR"').optional(),
    products: z.array(z.string().min(1).max(200)).max(500).optional().describe('product ids or names (also read from properties.products)'),
    occurred_at: isoTime.optional().describe('when it happened; defaults to now'),
    idempotency_key: z.string().min(1).max(200).optional().describe('resending an event with the same key records it once'),
  })
  .refine((e) => (e.contact_id === undefined) !== (e.phone === undefined), { message: 'give exactly one of contact_id or phone', path: ['contact_id'] });
export type EventIn = z.infer<typeof eventIn>;

/** `POST /api/v1/events` takes one event or `{ events: [...] }` (up to 1,000). */
export const recordEventsIn = z.union([eventIn, z.strictObject({ events: z.array(eventIn).min(1).max(1000) })]);

/** What a call recorded: new events, resent duplicates, and per-event problems (bulk only). */
export const recordEventsOut = z.object({
  recorded: z.number().int(),
  duplicates: z.number().int(),
  errors: z.array(z.object({ index: z.number().int(), code: z.string(), message: z.string() })),
  ids: z.array(z.number().int()).describe('ids of the newly recorded events, in request order'),
});
export type RecordEventsOut = z.infer<typeof recordEventsOut>;

/** A contact's engagement as the API shows it. */
export const engagementOut = z.object({
  last_inbound_at: z.string().nullable(),
  first_sent_at: z.string().nullable().describe('when the business first messaged the contact (a "sent" status)'),
  last_sent_at: z.string().nullable(),
  last_delivered_at: z.string().nullable(),
  last_read_at: z.string().nullable(),
  last_click_at: z.string().nullable(),
  first_purchase_at: z.string().nullable(),
  last_purchase_at: z.string().nullable(),
  last_event_at: z.string().nullable(),
  last_engaged_at: z.string().nullable(),
  received_30d: z.number().int(),
  read_30d: z.number().int(),
  replied_30d: z.number().int(),
  received_90d: z.number().int(),
  read_90d: z.number().int(),
  replied_90d: z.number().int(),
  read_rate_90d: z.number().nullable(),
  reply_rate_90d: z.number().nullable(),
  purchases_count: z.number().int(),
  purchases_total: z.string(),
  windows_at: z.string().nullable(),
});
export type EngagementOut = z.infer<typeof engagementOut>;

/** A contact's customer events, newest first. */
export const contactEventOut = z.object({
  id: z.number().int(),
  type: z.string(),
  properties: z.record(z.string(), z.unknown()),
  products: z.array(z.string()),
  amount: z.string().nullable(),
  currency: z.string().nullable(),
  occurred_at: z.string(),
  received_at: z.string(),
});
export type ContactEventOut = z.infer<typeof contactEventOut>;
