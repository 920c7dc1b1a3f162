// The OpenAPI document's `webhooks` section: one operation per outbound event, its body and headers.
import { z } from 'zod';
import { WEBHOOK_EVENT_DATA, webhookEnvelope } from '../../modules/hooks/index.js';

const HEADERS = {
  'webhook-id': { description: 'the event id (deduplicate on it)', schema: { type: 'string' } },
  'webhook-timestamp': { description: 'when this attempt was signed, Unix seconds; refuse values more than 5 minutes from your clock', schema: { type: 'string' } },
  'webhook-signature': { description: 'v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<raw body>"> with the key base64-decoded from the secret after "whsec_" (Standard Webhooks); space-separated when several', schema: { type: 'string' } },
};

type Webhooks = Record<string, { post: Record<string, unknown> }>;

/** `webhooks` for @fastify/swagger's OpenAPI 3.1 document. */
export function webhooksOpenApi(): Webhooks {
  return Object.fromEntries(
    Object.entries(WEBHOOK_EVENT_DATA).map(([type, data]) => [
      type,
      {
        post: {
          summary: `${type} (outbound webhook)`,
          description: 'POSTed to each endpoint subscribed to this event, signed; answer 2xx within 10 s. Anything else is retried with backoff for 3 days.',
          parameters: Object.entries(HEADERS).map(([name, h]) => ({ name, in: 'header', required: true, ...h })),
          requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(webhookEnvelope(type, data!), { target: 'openapi-3.0', unrepresentable: 'any' }) } } },
          responses: { '200': { description: 'received (any 2xx)' } },
        },
      },
    ]),
  ) as Webhooks;
}
