// The Contacts tab's writes and the reads its timeline composes, all through the public API.
import { apiRequest, query, type Contact, type Page } from './api-client';
import type { BodyOf, ItemOf, ResponseOf } from './api-schema';

/** What POST /contacts takes (no consent field: consent comes from opt-ins or imports with proof). */
export type NewContact = BodyOf<'/api/v1/contacts', 'post'>;
/** What PATCH /contacts/{id} takes: attributes merge (null removes one), tags replace. */
export type ContactChanges = BodyOf<'/api/v1/contacts/{id}', 'patch'>;
/** One message of a contact's log. */
export type ContactMessage = ItemOf<ResponseOf<'/api/v1/contacts/{id}/messages', 'get'>>;
/** One customer event (order, click...) of a contact. */
export type ContactCustomerEvent = ItemOf<ResponseOf<'/api/v1/contacts/{id}/events', 'get'>>;
/** A contact's lifecycle stage and its transitions. */
export type ContactLifecycle = ResponseOf<'/api/v1/contacts/{id}/lifecycle', 'get'>;
/** One automation run of a contact. */
export type ContactRun = ItemOf<ResponseOf<'/api/v1/contacts/{id}/automation-runs', 'get'>>;
/** One inbox conversation as listed. */
export type ConversationSummary = ItemOf<ResponseOf<'/api/v1/conversations', 'get'>>;

const path = (id: string, tail = '') => `/contacts/${encodeURIComponent(id)}${tail}`;

/** Creates a contact; a 422 names the field (an invalid phone is `phone`). */
export const createContact = (input: NewContact) => apiRequest<Contact>('POST', '/contacts', input);
/** Changes a contact; a 422 names the field. */
export const updateContact = (id: string, changes: ContactChanges) => apiRequest<Contact>('PATCH', path(id), changes);
/** Adds and removes tags on the given contacts; answers how many changed. */
export const bulkTagContacts = (contactIds: string[], add: string[], remove: string[]) =>
  apiRequest<{ updated: number }>('POST', '/contacts/bulk-tag', { contact_ids: contactIds, add, remove });
/** Everything held about the contact (the access-request answer), as JSON. */
export const exportContact = (id: string) => apiRequest<unknown>('GET', path(id, '/export'));
/** Erases the contact: personal data deleted, consent proof tombstoned, the number kept only as a suppression hash. */
export const eraseContact = (id: string) => apiRequest<{ erased: true }>('POST', path(id, '/erase'));
/** The newest messages of the contact. */
export const listContactMessages = (id: string, limit = 50) => apiRequest<Page<ContactMessage>>('GET', path(id, `/messages${query({ limit })}`));
/** The newest customer events of the contact. */
export const listContactCustomerEvents = (id: string, limit = 50) => apiRequest<Page<ContactCustomerEvent>>('GET', path(id, `/events${query({ limit })}`));
/** The contact's lifecycle stage and every transition. */
export const getContactLifecycle = (id: string) => apiRequest<ContactLifecycle>('GET', path(id, '/lifecycle'));
/** The contact's automation runs (at most 50). */
export const listContactRuns = (id: string) => apiRequest<{ data: ContactRun[] }>('GET', path(id, '/automation-runs'));
/** Inbox conversations whose name, phone, tag or words match `q`. */
export const searchConversations = (q: string) => apiRequest<Page<ConversationSummary>>('GET', `/conversations${query({ q, limit: 20 })}`);
