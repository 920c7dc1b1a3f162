// The transactional module: business-initiated template sends to one contact from the API (order
// updates, reminders). It owns no table: messages are logged through the messaging module.
export { prepareTransactionalSend, deliverTransactionalSend, getSentMessage } from './transactional.service.js';
export type { PreparedTransactionalSend } from './transactional.service.js';
export { templateTopicRefusal, gateRefusal } from './transactional.rules.js';
export { transactionalSendIn } from './transactional.schemas.js';
export type { TransactionalSendIn } from './transactional.schemas.js';
