// The Contacts tab's writes and the paged reads its timeline composes, all through the public API.
import { gl, unwrap } from './api-client';
import type { BodyOf, ItemOf, ResponseOf } from './api-schema';

/** What POST /contacts takes (no consent field: consent comes from opt-ins or imports with proof). */
export type NewContact = BodyOf<'/api/v1/contacts', 'post'>;
/** What PATCH /contacts/{id} takes: attributes merge (null removes one), tags replace. */
export type ContactChanges = BodyOf<'/api/v1/contacts/{id}', 'patch'>;
/** One message of a contact's log. */
export type ContactMessage = ItemOf<ResponseOf<'/api/v1/contacts/{id}/messages', 'get'>>;
/** One customer event (order, click...) of a contact. */
export type ContactCustomerEvent = ItemOf<ResponseOf<'/api/v1/contacts/{id}/events', 'get'>>;
/** One change of a contact's lifecycle stage. */
export type ContactTransition = ItemOf<ResponseOf<'/api/v1/contacts/{id}/lifecycle/transitions', 'get'>>;
/** One automation run of a contact. */
export type ContactRun = ItemOf<ResponseOf<'/api/v1/contacts/{id}/automation-runs', 'get'>>;
/** One inbox conversation as listed. */
export type ConversationSummary = ItemOf<ResponseOf<'/api/v1/conversations', 'get'>>;

/** Creates a contact; a 422 names the field (an invalid phone is `phone`). */
export const createContact = (input: NewContact) => unwrap(gl.POST('/api/v1/contacts', { body: input }));
/** Changes a contact; a 422 names the field. */
export const updateContact = (id: string, changes: ContactChanges) => unwrap(gl.PATCH('/api/v1/contacts/{id}', { params: { path: { id } }, body: changes }));
/** Adds and removes tags on the given contacts; answers how many changed. */
export const bulkTagContacts = (contactIds: string[], add: string[], remove: string[]) =>
  unwrap(gl.POST('/api/v1/contacts/bulk-tag', { body: { contact_ids: contactIds, add, remove } }));
/** Everything held about the contact (the access-request answer), as JSON. */
export const exportContact = (id: string): Promise<unknown> => unwrap(gl.GET('/api/v1/contacts/{id}/export', { params: { path: { id } } }));
/** Erases the contact: personal data deleted, consent proof tombstoned, the number kept only as a suppression hash. */
export const eraseContact = (id: string) => unwrap(gl.POST('/api/v1/contacts/{id}/erase', { params: { path: { id } } }));
/** A page of the contact's messages, newest first (pass the previous page's next_cursor for older ones). */
export const listContactMessages = (id: string, limit = 50, cursor?: string) => unwrap(gl.GET('/api/v1/contacts/{id}/messages', { params: { path: { id }, query: { limit, cursor } } }));
/** A page of the contact's customer events, newest first. */
export const listContactCustomerEvents = (id: string, limit = 50, cursor?: string) => unwrap(gl.GET('/api/v1/contacts/{id}/events', { params: { path: { id }, query: { limit, cursor } } }));
/** A page of the contact's lifecycle transitions, newest first. */
export const listContactTransitions = (id: string, limit = 50, cursor?: string) => unwrap(gl.GET('/api/v1/contacts/{id}/lifecycle/transitions', { params: { path: { id }, query: { limit, cursor } } }));
/** A page of the contact's automation runs, newest enrolment first. */
export const listContactRuns = (id: string, limit = 50, cursor?: string) => unwrap(gl.GET('/api/v1/contacts/{id}/automation-runs', { params: { path: { id }, query: { order: 'newest', limit, cursor } } }));
/** Inbox conversations whose name, phone, tag or words match `q`. */
export const searchConversations = (q: string) => unwrap(gl.GET('/api/v1/conversations', { params: { query: { q, limit: 20 } } }));
