// The body of every outbound webhook, per event type: what receivers may rely on (published in the
// OpenAPI document's `webhooks` section). Payloads carry ids and the fields a CRM keys on, never a secret.
import { z } from 'zod';
import type { WebhookEventType } from './hooks.rules.js';

const when = z.string().describe('when it happened (ISO 8601, UTC)');
const contactKeys = { contact_id: z.string(), phone: z.string().nullable().describe('E.164; null for a person known only by a business-scoped user id'), name: z.string().nullable() };
const contact = z.object({
  ...contactKeys,
  wa_id: z.string().nullable(),
  profile_name: z.string().nullable(),
  country: z.string().nullable(),
  timezone: z.string().nullable(),
  language: z.string().nullable(),
  tags: z.array(z.string()),
  attributes: z.record(z.string(), z.unknown()),
  occurred_at: when,
});
const consent = z.object({
  ...contactKeys,
  topic_id: z.string().nullable(),
  topic_key: z.string().nullable(),
  all_topics: z.boolean().describe('true when the change covered every topic (e.g. STOP)'),
  source: z.string().describe('api, import, web_form, qr_keyword, opt_out_keyword, agent, …'),
  consent_event_id: z.number().int().describe("the consent ledger row's id"),
  occurred_at: when,
});

/** The `data` of each event type. */
export const WEBHOOK_EVENT_DATA: Partial<Record<WebhookEventType, z.ZodType>> = {
  'contact.created': contact,
  'contact.updated': contact.extend({ changed: z.array(z.string()).optional().describe('the fields the change named') }),
  'consent.granted': consent,
  'consent.withdrawn': consent,
  'message.received': z.object({
    ...contactKeys,
    message_id: z.string(),
    wa_id: z.string(),
    number_id: z.string().describe('the business number it reached'),
    wamid: z.string(),
    type: z.string().describe('text, image, button, interactive, …'),
    text: z.string().nullable(),
    reply_id: z.string().nullable().describe('the button or list row chosen'),
    context_wamid: z.string().nullable().describe('the message it answers'),
    occurred_at: when,
  }),
  'message.status': z.object({
    ...contactKeys,
    contact_id: z.string().nullable(),
    message_id: z.string().nullable().describe('null when the status arrived before the send was logged'),
    broadcast_id: z.string().nullable(),
    wamid: z.string(),
    status: z.string().describe('sent, delivered, read or failed'),
    error_code: z.number().int().nullable().describe("Meta's error code of a failure"),
    occurred_at: when,
  }),
  'conversation.assigned': z.object({ ...contactKeys, conversation_id: z.string(), number_id: z.string(), assignee_id: z.string().nullable(), team_id: z.string().nullable(), state: z.string(), occurred_at: when }),
  'conversation.closed': z.object({ ...contactKeys, conversation_id: z.string(), number_id: z.string(), assignee_id: z.string().nullable(), team_id: z.string().nullable(), state: z.literal('closed'), occurred_at: when }),
  'import.completed': z.object({
    import_id: z.string(),
    rows: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    merged: z.number().int(),
    skipped: z.number().int(),
    errors: z.number().int(),
    consent_granted: z.number().int(),
    consent_refused: z.number().int(),
    occurred_at: when,
  }),
  'broadcast.started': z.object({ broadcast_id: z.string(), name: z.string(), template_name: z.string(), number_id: z.string().nullable(), planned: z.number().int().describe('recipients snapshotted to be sent'), occurred_at: when }),
  'broadcast.completed': z.object({
    broadcast_id: z.string(),
    name: z.string(),
    template_name: z.string(),
    counts: z.record(z.string(), z.number().int()).describe('the funnel when it completed: planned, skipped, sent, delivered, read, replied, clicked, failed, opted_out, …'),
    occurred_at: when,
  }),
  'automation.run.completed': z.object({ ...contactKeys, run_id: z.string(), automation_id: z.string(), automation_name: z.string(), version: z.number().int(), occurred_at: when }),
  'automation.webhook': z.object({
    ...contactKeys,
    event: z.string().describe("the step's event name, e.g. lead.qualified"),
    values: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).describe("the step's fixed values"),
    step_id: z.string(),
    run_id: z.string(),
    automation_id: z.string(),
    occurred_at: when,
  }),
  'webhook.test': z.object({ endpoint_id: z.string(), message: z.string(), occurred_at: when }),
};

/** The envelope every delivery's body has; `data` as above for its `type`. */
export function webhookEnvelope(type: string, data: z.ZodType): z.ZodType {
  return z.object({
    id: z.string().describe('the event id: the same in the webhook-id header and on every retry or replay; deduplicate on it'),
    type: z.literal(type),
    timestamp: z.string().describe('when the event was recorded (ISO 8601, UTC)'),
    workspace_id: z.string(),
    data,
  });
}
