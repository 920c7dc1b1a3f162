// The engagement module: customer events from outside WhatsApp and each contact's engagement row.
export { recordEvents, contactOfEventKeys, PURCHASE_EVENT, REFUND_EVENT } from './events.service.js';
export { noteInboundEngagement, noteStatusEngagement, noteClickEngagement, recountEngagementWindows, getContactEngagement, lastEngagedOf, listContactEvents } from './engagement.service.js';
export type { NewStatus } from './engagement.service.js';
export * from './events.schemas.js';
export { moveContactEvents, mergeContactEngagement, eraseEventsByKeyPrefix } from './merge.service.js';
