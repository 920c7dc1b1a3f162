import { z } from 'zod';
import { WEBHOOK_EVENT_TYPES } from './hooks.rules.js';

const subscribable = WEBHOOK_EVENT_TYPES.filter((t) => t !== 'webhook.test');
const eventList = z
  .array(z.enum(['*', ...subscribable] as [string, ...string[]], { error: `must be one of ${subscribable.join(', ')} or * (every event)` }))
  .min(1, 'choose at least one event (or * for every event)')
  .max(50)
  .describe('event types delivered to this endpoint; * for every type');

/** Creating an endpoint. */
export const endpointIn = z.strictObject({
  url: z.string().trim().min(1, 'must not be empty').max(2000).describe('where events are POSTed; https (plain http only for origins the operator allow-lists)'),
  events: eventList,
  description: z.string().trim().max(500).nullable().optional(),
});

/** Changing an endpoint. `enabled: true` re-enables one that was disabled after 24 h of failures. */
export const endpointPatch = z.strictObject({
  url: endpointIn.shape.url.optional(),
  events: eventList.optional(),
  description: endpointIn.shape.description,
  enabled: z.boolean().optional().describe('false pauses deliveries; true re-enables (also after an automatic disable)'),
  rotate_secret: z.literal(true).optional().describe('true: a new signing secret, returned once in this response; the old one stops signing at once'),
});

/** An endpoint as the API shows it; the secret only in the answer that created or rotated it. */
export const endpointOut = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string().nullable(),
  events: z.array(z.string()),
  enabled: z.boolean(),
  disabled_reason: z.string().nullable(),
  failing_since: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  secret: z.string().optional().describe('the signing secret (whsec_…): shown only when the endpoint is created or the secret rotated'),
});
export type EndpointOut = z.infer<typeof endpointOut>;

/** One attempt of a delivery. */
export const attemptOut = z.object({ attempt: z.number().int(), status_code: z.number().int().nullable(), error: z.string().nullable(), latency_ms: z.number().int(), attempted_at: z.string() });

/** A delivery in an endpoint's log. */
export const deliveryOut = z.object({
  id: z.string(),
  endpoint_id: z.string(),
  event_id: z.string(),
  event_type: z.string(),
  status: z.enum(['pending', 'delivered', 'failed', 'dead']),
  attempts: z.number().int(),
  next_attempt_at: z.string().nullable(),
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
  latency_ms: z.number().int().nullable(),
  response_snippet: z.string().nullable().describe("the first 2 KB of the receiver's last answer"),
  body: z.string().nullable().describe('the JSON body as last sent (what the signature covers)'),
  created_at: z.string(),
  delivered_at: z.string().nullable(),
  attempt_log: z.array(attemptOut).optional(),
});
export type DeliveryOut = z.infer<typeof deliveryOut>;

/** `GET /api/v1/webhook-endpoints/:id/deliveries` query. */
export const deliveryListQuery = z.object({
  limit: z.coerce.number().int().min(1, 'must be at least 1').max(200, 'must be at most 200').default(50),
  cursor: z.string().max(500).optional(),
  status: z.enum(['pending', 'delivered', 'failed', 'dead']).optional(),
});
