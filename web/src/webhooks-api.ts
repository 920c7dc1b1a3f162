// Outbound webhook endpoints and their delivery log through the public API (/api/v1/webhook-endpoints).
import { gl, unwrap } from './api-client';
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
export const listWebhookEndpoints = () => unwrap(gl.GET('/api/v1/webhook-endpoints'));
/** Adds an endpoint (422 names the field at fault). */
export const createWebhookEndpoint = (body: WebhookEndpointBody) => unwrap(gl.POST('/api/v1/webhook-endpoints', { body }));
/** Enables or disables an endpoint. */
export const setWebhookEndpointEnabled = (id: string, enabled: boolean) => unwrap(gl.PATCH('/api/v1/webhook-endpoints/{id}', { params: { path: { id } }, body: { enabled } }));
/** Removes an endpoint and its log. */
export const deleteWebhookEndpoint = (id: string) => unwrap(gl.DELETE('/api/v1/webhook-endpoints/{id}', { params: { path: { id } } }));
/** Sends a signed webhook.test now; answers with the delivery. */
export const sendWebhookTest = (id: string) => unwrap(gl.POST('/api/v1/webhook-endpoints/{id}/test', { params: { path: { id } } }));
/** The endpoint's deliveries, newest first. */
export const listWebhookDeliveries = (id: string) => unwrap(gl.GET('/api/v1/webhook-endpoints/{id}/deliveries', { params: { path: { id }, query: { limit: 50 } } }));
/** Sends a delivery's event again. */
export const replayWebhookDelivery = (id: string) => unwrap(gl.POST('/api/v1/webhook-deliveries/{id}/replay', { params: { path: { id } } }));
