// The messaging module: the WhatsApp gateway port, the message log, statuses and service windows.
export type * from './messaging.gateway.js';
export { loggedWamids, recordInboundMessage, touchServiceWindow, recordStatuses, applyStoredStatuses, reconcileMessageStatus, recordOutboundMessage, settleOutboundMessage, recordBroadcastMessages, fillMissingWamids, messagingLimitUsed, messagingLimitRoom, listContactMessages, getServiceWindow, getServiceWindows, getMessage } from './messaging.service.js';
export type { InboundMessageRecord, StatusRecord, OutboundMessageRecord, BroadcastMessageRecord, MessageOut, MessageDetailOut, MessagingLimitRoom } from './messaging.service.js';
export { toMessageOut } from './messaging.service.js';
export { displayStatus, isWindowOpen, rankOf, STATUS_RANK, SERVICE_WINDOW_MS } from './messaging.rules.js';
export { prepareConversationSend, deliverConversationSend } from './conversation.service.js';
export type { PreparedSend } from './conversation.service.js';
export { conversationMessageIn } from './conversation.schemas.js';
export { enqueueAutomated, sendQueuedAutomated } from './outbox.service.js';
export type { AutomatedMessage } from './outbox.service.js';
export { eraseWaIdTraces, moveContactMessages } from './erase-merge.service.js';
export { outboxOutcomeSql } from './outbox-delivery.js';
export { outboxDepth } from './gauges.service.js';
