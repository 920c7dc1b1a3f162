// The inbound module: webhook bodies stored before the ack, then processed into the message log.
export type * from './inbound.events.js';
export { storeWebhooks, processPendingWebhooks, replayWebhooks, purgeProcessedWebhooks, webhookBacklog, PROCESSED_WEBHOOK_RETENTION_MS, PUT_ASIDE, type WebhookBacklog, type WebhookShare } from './inbound.service.js';
export type { RawWebhook } from './inbound.service.js';
export { eraseWebhookBodies } from './erase.service.js';
export { intakeBacklog, type IntakeBacklog } from './gauges.service.js';
