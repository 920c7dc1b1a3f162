// The contacts module: people on the list (extended by the contacts & consent work).
export { findOrCreateContactByWaId, moveContactNumber, assertContact, getContact, findContactByPhone } from './contacts.service.js';
export type { ContactRef, ContactOut } from './contacts.service.js';
