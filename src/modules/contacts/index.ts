// The contacts module: people on the list (extended by the contacts & consent work).
export { findOrCreateContactByWaId, moveContactNumber, assertContact } from './contacts.service.js';
export type { ContactRef } from './contacts.service.js';
