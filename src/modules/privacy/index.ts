// The privacy module: data-subject access (export) and erasure, across the other modules.
export { exportContact, eraseContact } from './privacy.service.js';
export type { ContactExport } from './privacy.service.js';
export { mergeContacts, mergeEquivalentContacts, mergeEquivalentContactsEverywhere } from './merge-contacts.js';
