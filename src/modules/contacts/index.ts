// The contacts module: people on the list, their attributes and tags.
export { findOrCreateContactByWaId, findOrCreateContactByUserId, rememberUserId, bindWaIds, setContactAttribute, findEquivalentContacts, moveContactNumber, assertContact, getContact, getContacts, findContactIdsByPhones, findContactByPhone, toContactOut, contactColumns, stageOf } from './contacts.service.js';
export type { ContactRef, ResolvedContact, ContactRow } from './contacts.service.js';
export { createContact, updateContact, listContacts, bulkTag, filterConditions } from './contacts.crud.js';
export { countContacts, EXACT_COUNT_UP_TO } from './contacts.count.js';
export { defineAttribute, listAttributes, validateAttributes, coerceAttribute } from './attributes.service.js';
export { geoOfWaId, inferMissingZones } from './contacts.geo.js';
export * from './contacts.schemas.js';
export { upsertContactBatch } from './batch-upsert.js';
export type { ContactBatchRow, ContactBatchPolicy, ContactBatchWrite } from './batch-upsert.js';
export { markUnreachable, clearUnreachable } from './reachability.js';
export { markContactsInInbox } from './inbox-flag.js';
export { eraseContactRow, mergeContactRows } from './erase-merge.service.js';
export { contactSubjectOf } from './contacts.reads.js';
export { setContactChangeWatches, purgeContactChanges, CONTACT_CHANGES_RETENTION_MS } from './changes.service.js';
export type { ContactChangeWatch } from './changes.service.js';
export { contactEventData, emitContactEvent, contactCardSql } from './contact-events.js';
