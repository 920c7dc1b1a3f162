// Outbound webhooks: per-workspace endpoints, the transactional outbox other modules write events
// to (`emitEvents` in the caller's transaction), and the signed, retried delivery loop.
export { emitEvents, emitEventRows } from './emit.service.js';
export type { WebhookEventInput } from './emit.service.js';
export { createEndpoint, getEndpoint, listEndpoints, updateEndpoint, deleteEndpoint, MAX_ENDPOINTS } from './endpoints.service.js';
export type { HookDeps } from './endpoints.service.js';
export { listDeliveries, getDelivery, replayDelivery, queueTestEvent } from './deliveries.service.js';
export { deliverDueWebhooks, webhookBody } from './delivery.service.js';
export type { DeliveryDeps, WebhookSend } from './delivery.service.js';
export { WEBHOOK_EVENT_TYPES, DELIVERY_STATUSES, RETRY_WINDOW_MS, DISABLE_AFTER_MS, signWebhook, webhookUrlProblem, nextAttemptDelayMs } from './hooks.rules.js';
export type { WebhookEventType, DeliveryStatus } from './hooks.rules.js';
export { endpointIn, endpointPatch, endpointOut, deliveryOut, deliveryListQuery } from './hooks.schemas.js';
export type { EndpointOut, DeliveryOut } from './hooks.schemas.js';
export { WEBHOOK_EVENT_DATA, webhookEnvelope } from './hooks.events.js';
export { purgeWebhookLog, WEBHOOK_LOG_RETENTION_MS } from './retention.service.js';
