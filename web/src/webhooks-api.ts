// Outbound webhook endpoints and their delivery log through the public API (/api/v1/webhook-endpoints).
import { apiRequest } from './api-client';
import type { BodyOf, ItemOf, ResponseOf } from './api-schema';

/** An endpoint as listed (never its secret). */
export type WebhookEndpoint = ItemOf<ResponseOf<'/api/v1/webhook-endpoints', 'get'>>;
/** The answer that created an endpoint: it carries the signing secret, this once. */
export type CreatedWebhookEndpoint = ResponseOf<'/api/v1/webhook-endpoints', 'post'>;
/** What creates an endpoint. */
export type WebhookEndpointBody = BodyOf<'/api/v1/webhook-endpoints', 'post'>;
/** One delivery of the log, with its attempts. */
export type WebhookDelivery = ItemOf<ResponseOf<'/api/v1/webhook-endpoints/{id}/deliveries', 'get'>>;

/** The events an endpoint may subscribe to ("*": all). */
export const WEBHOOK_EVENTS = [
  'contact.created',
  'contact.updated',
  'consent.granted',
  'consent.withdrawn',
  'message.received',
  'message.status',
  'broadcast.started',
  'broadcast.completed',
  'automation.run.completed',
  'automation.webhook',
  'conversation.assigned',
  'conversation.closed',
  'import.completed',
] as const satisfies readonly Exclude<WebhookEndpointBody['events'][number], '*'>[];
// Checked against the API's list: an event type added there (and subscribable) fails here until listed.
const _everyEvent: Exclude<WebhookEndpointBody['events'][number], '*' | 'webhook.test' | (typeof WEBHOOK_EVENTS)[number]> extends never ? true : never = true;

/** The workspace's endpoints. */
export const listWebhookEndpoints = () => apiRequest<{ data: WebhookEndpoint[] }>('GET', '/webhook-endpoints');
/** Adds an endpoint (422 names the field at fault). */
export const createWebhookEndpoint = (body: WebhookEndpointBody) => apiRequest<CreatedWebhookEndpoint>('POST', '/webhook-endpoints', body);
/** Enables or disables an endpoint. */
export const setWebhookEndpointEnabled = (id: string, enabled: boolean) => apiRequest<WebhookEndpoint>('PATCH', `/webhook-endpoints/${id}`, { enabled });
/** Removes an endpoint and its log. */
export const deleteWebhookEndpoint = (id: string) => apiRequest<void>('DELETE', `/webhook-endpoints/${id}`);
/** Sends a signed webhook.test now; answers with the delivery. */
export const sendWebhookTest = (id: string) => apiRequest<WebhookDelivery>('POST', `/webhook-endpoints/${id}/test`);
/** The endpoint's deliveries, newest first. */
export const listWebhookDeliveries = (id: string) => apiRequest<{ data: WebhookDelivery[] }>('GET', `/webhook-endpoints/${id}/deliveries?limit=50`);
/** Sends a delivery's event again. */
export const replayWebhookDelivery = (id: string) => apiRequest<WebhookDelivery>('POST', `/webhook-deliveries/${id}/replay`);
