// The conversations module: the shared inbox (a conversation per contact and number, kept current
// from the message log), assignment, states, read marks, notes and replies.
export { listConversations, getConversation, assignConversation, setConversationState, markConversationRead, addConversationNote } from './conversations.service.js';
export { prepareReply, deliverReply } from './reply.service.js';
export type { PreparedReply } from './reply.service.js';
export { syncConversations, INBOX_CHANNEL } from './sync.service.js';
export { CONVERSATION_STATES, CONVERSATION_FILTERS } from './conversations.rules.js';
export * from './conversations.schemas.js';
export { mergeConversations } from './merge.service.js';
export { openHandovers, contactsWithAgent, handledWhen } from './handover.service.js';
