// The broadcasts module: template broadcasts to segments, their plan, the send engine and its results.
export { createBroadcast, updateBroadcast, startBroadcast, changeBroadcastStatus, deleteBroadcast, getBroadcast, listBroadcasts, estimateBroadcast } from './broadcasts.service.js';
export { listRecipients, RECIPIENT_FILTERS, broadcastCounts } from './progress.service.js';
export { sendBroadcastTest } from './test-send.service.js';
export { startBroadcastDispatcher, resetNumberPacing } from './dispatcher.js';
export type { Dispatcher, DispatcherDeps } from './dispatcher.js';
export { syncRecipientDelivery, noteBroadcastReplies, noteBroadcastOptOut, recordLinkClick, linkSigner, linkToken } from './tracking.service.js';
export { snapshotRecipients, fallbackZoneOf, planBroadcast } from './plan.service.js';
export { settleExpiredRows, startDueBroadcasts, superviseBroadcasts } from './reconcile.service.js';
export * from './broadcasts.rules.js';
export * from './broadcasts.schemas.js';
