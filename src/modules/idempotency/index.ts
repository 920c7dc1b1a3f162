// The idempotency module: Idempotency-Key claims and replays for POST requests.
export { claimIdempotencyKey, saveIdempotentResponse, purgeIdempotencyKeys, IDEMPOTENCY_RETENTION_MS } from './idempotency.service.js';
export type { IdempotencyClaim } from './idempotency.service.js';
