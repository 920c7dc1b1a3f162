// The conversations module: the shared inbox (a conversation per contact and number, kept current
// from the message log), assignment, states, read marks, notes and replies.
export { listConversations, getConversation, assignConversation, setConversationState, markConversationRead, addConversationNote } from './conversations.service.js';
export { prepareReply, deliverReply } from './reply.service.js';
export type { PreparedReply } from './reply.service.js';
export { syncConversations } from './sync.service.js';
export { INBOX_CHANNEL } from './notify.js';
export { CONVERSATION_STATES, CONVERSATION_FILTERS } from './conversations.rules.js';
export * from './conversations.schemas.js';
export { mergeConversations } from './merge.service.js';
export { openHandovers, contactsWithAgent, handledWhen } from './handover.service.js';
export { createCannedReply, getCannedReply, listCannedReplies, updateCannedReply, deleteCannedReply, renderCannedReplies } from './canned.service.js';
export * from './canned.schemas.js';
export { CANNED_VARIABLES } from './canned.rules.js';
export { getRouting, setRouting, setAvailability } from './routing.service.js';
export * from './routing.schemas.js';
export { startTyping } from './typing.service.js';
export { getAgentFigures } from './figures.service.js';
export { figuresQuery, figuresOut } from './figures.schemas.js';
export type { FiguresOut } from './figures.schemas.js';
export { listInboxTeams, getInboxTeam, createInboxTeam, updateInboxTeam, setInboxTeamMembers, deleteInboxTeam } from './teams.service.js';
export * from './teams.schemas.js';
