// The admin UI talks to Greenlist only through the public API (/api/v1), with the session cookie,
// through the shipped typed client (client/index.ts): one instance, `gl`, created below.

import type { Middleware } from 'openapi-fetch';
import { createGreenlistClient } from '../../client/index.js';
import type { BodyOf, ItemOf, ResponseOf } from './api-schema';

// The DTOs below are the generated OpenAPI types under the names the UI uses (see api-schema.ts).

/** The signed-in user (or key) and its workspace. */
export type Me = ResponseOf<'/api/v1/auth/me', 'get'>;
/** Roles a user or API key can have. */
export type Role = Me['actor']['role'];
/** Every role, least privileged last (checked against the API's list: a role added there fails here). */
export const ROLES = ['owner', 'admin', 'marketer', 'agent', 'viewer'] as const satisfies readonly Role[];
const _everyRole: Exclude<Role, (typeof ROLES)[number]> extends never ? true : never = true;
/** The signed-in user's workspace. */
export type Workspace = ResponseOf<'/api/v1/workspace', 'get'>;
/** A connected WhatsApp business number. */
export type PhoneNumber = ItemOf<ResponseOf<'/api/v1/phone-numbers', 'get'>>;
/** An API key as listed (never the key itself). */
export type ApiKey = ItemOf<ResponseOf<'/api/v1/api-keys', 'get'>>;
/** A new API key: the only answer that holds the key. */
export type CreatedApiKey = ResponseOf<'/api/v1/api-keys', 'post'>;
/** One audit-log entry. */
export type AuditEntry = ItemOf<ResponseOf<'/api/v1/audit-log', 'get'>>;
/** One page of a list answer. */
export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}
/** A contact. `phone` is personal data: show it to the signed-in user, never log it. */
export type Contact = ResponseOf<'/api/v1/contacts/{id}', 'get'>;
/** A row of the contact list: the contact, the topics it has consent for now, and when it last engaged. */
export type ContactListItem = ItemOf<ResponseOf<'/api/v1/contacts', 'get'>>;
/** What consent to a topic can be. */
export type ConsentStatus = ConsentTopicState['status'];
/** Every consent status (checked against the API's list). */
export const CONSENT_STATUSES = ['granted', 'withdrawn', 'none'] as const satisfies readonly ConsentStatus[];
const _everyStatus: Exclude<ConsentStatus, (typeof CONSENT_STATUSES)[number]> extends never ? true : never = true;
/** Filters of the contact list; `topic` and `consent` only apply together. */
export interface ContactFilter {
  q?: string;
  topic?: string;
  consent?: ConsentStatus;
}
/** A consent topic. */
export type Topic = ItemOf<ResponseOf<'/api/v1/topics', 'get'>>;
/** Consent per topic, suppression, and every ledger event with its evidence. */
export type ConsentView = ResponseOf<'/api/v1/contacts/{id}/consent', 'get'>;
/** A contact's consent to one topic now. */
export type ConsentTopicState = ConsentView['state'][number];
/** One consent-ledger event with the evidence recorded for it (the proof of consent). */
export type ConsentEvent = ConsentView['events'][number];
/** A contact's preference-centre choices now (pause, frequency). */
export type ContactPreferenceState = ConsentView['preferences'];
/** The words that open the preference centre. */
export type PreferenceKeywords = ResponseOf<'/api/v1/preferences/keywords', 'get'>;
/** The preference centre's workspace settings (`settings.preferences`). */
export interface PreferenceSettings {
  enabled?: boolean;
  keywords?: string[];
  disabled_keywords?: string[];
  link_in_welcome?: boolean;
  link_ttl_days?: number;
  pause_days?: number;
  menu_text?: string;
}
/** A message kept for review because it mentions a STOP word without being a clear opt-out. */
export type OptOutNote = ItemOf<ResponseOf<'/api/v1/opt-out/notes', 'get'>>;
/** How a review item is settled. */
export type ReviewAction = BodyOf<'/api/v1/opt-out/notes/{id}/resolve', 'post'>['action'];
/** A custom contact attribute and its type (segment rules compare attributes by this type). */
export type AttributeDefinition = ItemOf<ResponseOf<'/api/v1/attributes', 'get'>>;
/** A saved segment: `dynamic` ones are rules evaluated when used, `static` ones are lists of members. */
export type Segment = ItemOf<ResponseOf<'/api/v1/segments', 'get'>>;
/** The live count and a sample of the contacts that match some rules. */
export type SegmentPreview = ResponseOf<'/api/v1/segments/preview', 'post'>;
/** The segment rule language's fields, operators and values (what the condition builder offers). */
export type SegmentCatalog = ResponseOf<'/api/v1/segments/catalog', 'get'>;

/** An error answer from the API: its HTTP status, error code, human message and the `details` the server gave. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

let onSessionEnded: (() => void) | undefined;

/** Sets what happens when an authenticated call answers 401 (the session expired or was revoked). */
export function setSessionEndedHandler(handler: (() => void) | undefined): void {
  onSessionEnded = handler;
}

// A 401 from these two means "not signed in (yet)", not "the session just ended".
const SIGN_IN_PATHS: readonly string[] = ['/api/v1/auth/login', '/api/v1/auth/me'];

/** Every write carries the CSRF header the server requires; a 401 elsewhere ends the session in the UI. */
const sessionMiddleware: Middleware = {
  onRequest({ request }) {
    if (request.method !== 'GET') request.headers.set('x-greenlist-csrf', '1');
    return request;
  },
  onResponse({ response, schemaPath }) {
    if (response.status === 401 && !SIGN_IN_PATHS.includes(schemaPath)) onSessionEnded?.();
    return undefined;
  },
};

/** `?a=1&b=2` from the defined, non-empty values (an empty filter field means "no filter", as before). */
function serializeQuery(params: Record<string, unknown>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    for (const item of Array.isArray(v) ? v : [v]) if (item !== undefined && item !== null && item !== '') q.append(k, String(item));
  }
  return q.toString();
}

/**
 * The admin app's one API client: the shipped typed client (client/index.ts), same-origin with the
 * session cookie. Every request of web/src goes through it (eslint forbids `fetch` elsewhere), so
 * paths, path and query parameters and bodies are checked against the OpenAPI document's types.
 */
export const gl = createGreenlistClient({
  baseUrl: '',
  credentials: 'same-origin',
  headers: { accept: 'application/json' },
  middleware: [sessionMiddleware],
  querySerializer: serializeQuery,
});

type Answer = { data?: unknown; error?: unknown; response: Response };
/** The success branch's data of a client answer (undefined for a 204). */
type DataOf<A> = A extends { data: infer D; error?: never } ? D : never;
type ErrorBody = { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | null | undefined;

/** Awaits a client call: its data on success (undefined for a 204), else an ApiError with the server's code and message. */
export async function unwrap<A extends Answer>(call: Promise<A>): Promise<DataOf<A>> {
  let answer: A;
  try {
    answer = await call;
  } catch {
    throw new ApiError(0, 'NETWORK', 'Greenlist is not answering; check that it is running and reload the page.');
  }
  const { response } = answer;
  if (response.ok) return answer.data as DataOf<A>;
  const err = typeof answer.error === 'object' ? (answer.error as ErrorBody)?.error : undefined;
  throw new ApiError(response.status, err?.code ?? `HTTP_${response.status}`, err?.message ?? `the request failed with status ${response.status}`, err?.details ?? {});
}

/**
 * The request options that send a file (or a slice of one) as text/csv as it is: the browser streams
 * it from disk and the server spools it, so a large file is never read into memory on either side.
 * A narrow exception to the typed bodies: the OpenAPI document gives these routes no body (the server
 * reads the raw stream), so the Blob is passed as `never` and sent unchanged by its own serializer.
 */
export const csvBody = (file: Blob) => ({ body: file as never, bodySerializer: () => file, headers: { 'content-type': 'text/csv' } });

/** Logs in and sets the session cookie. */
export const logIn = (input: { workspace: string; email: string; password: string }) => unwrap(gl.POST('/api/v1/auth/login', { body: input }));
/** Ends the current session. */
export const logOut = (): Promise<undefined> => unwrap(gl.POST('/api/v1/auth/logout')).then(() => undefined);
/** The signed-in user, or a 401 ApiError when there is no session. */
export const getMe = () => unwrap(gl.GET('/api/v1/auth/me'));
/** A workspace this login may switch to (same email, password proven at login). */
export type LinkedWorkspace = ItemOf<ResponseOf<'/api/v1/auth/workspaces', 'get'>>;
/** The workspaces this login may switch to, the current one marked. */
export const listLinkedWorkspaces = () => unwrap(gl.GET('/api/v1/auth/workspaces'));
/** Moves the session to another of this login's workspaces (the server sets a new session cookie). */
export const switchWorkspace = (workspaceId: string) => unwrap(gl.POST('/api/v1/auth/switch', { body: { workspace_id: workspaceId } }));
/** The signed-in user's workspace. */
export const getWorkspace = () => unwrap(gl.GET('/api/v1/workspace'));
/** Connected WhatsApp business numbers. */
export const listPhoneNumbers = () => unwrap(gl.GET('/api/v1/phone-numbers', { params: { query: { limit: 100 } } }));
/** API keys, active and revoked. */
export const listApiKeys = () => unwrap(gl.GET('/api/v1/api-keys', { params: { query: { limit: 200 } } }));
/** Creates an API key; the answer is the only time the key itself is shown. */
export const createApiKey = (input: { name: string; role: Role }) => unwrap(gl.POST('/api/v1/api-keys', { body: input }));
/** Revokes an API key; it stops working on the next request. */
export const revokeApiKey = (id: string) => unwrap(gl.DELETE('/api/v1/api-keys/{id}', { params: { path: { id } } }));
/** The latest audit entries, newest first. */
export const listAuditLog = (limit = 50) => unwrap(gl.GET('/api/v1/audit-log', { params: { query: { limit } } }));

/** Builds `?a=1&b=2` from the defined, non-empty values (for the download links, which the browser follows itself). */
export function query(params: Record<string, string | number | undefined>): string {
  const s = serializeQuery(params);
  return s ? `?${s}` : '';
}

/** The contact list's filters as query parameters (`consent` only applies with a topic). */
const contactQuery = (filter: ContactFilter) => ({ q: filter.q, topic: filter.topic, consent: filter.topic ? filter.consent : undefined });
/** One page of contacts matching `filter` (name or phone prefix, consent to a topic), newest first. */
export const listContacts = (filter: ContactFilter, cursor?: string, limit = 50) =>
  unwrap(gl.GET('/api/v1/contacts', { params: { query: { ...contactQuery(filter), limit, cursor } } }));
/** How many contacts match `filter`: exact up to 100,000, an estimate (`exact: false`) above. */
export type ContactCount = ResponseOf<'/api/v1/contacts/count', 'get'>;
/** Counts the contacts matching `filter` (the list's filters), in a request of its own so the list never waits for it. */
export const countContacts = (filter: ContactFilter) => unwrap(gl.GET('/api/v1/contacts/count', { params: { query: contactQuery(filter) } }));
/** One contact. */
export const getContact = (id: string) => unwrap(gl.GET('/api/v1/contacts/{id}', { params: { path: { id } } }));
/** Consent per topic, suppression, and every ledger event with its evidence. */
export const getContactConsent = (id: string) => unwrap(gl.GET('/api/v1/contacts/{id}/consent', { params: { path: { id } } }));
/** The preference words in effect and the built-in ones per language. */
export const getPreferenceKeywords = () => unwrap(gl.GET('/api/v1/preferences/keywords'));
/** Replaces the workspace's preference-centre settings (a 422 names the field that is wrong). */
export const savePreferenceSettings = (preferences: PreferenceSettings) => updateWorkspace({ settings: { preferences } });
/** All topics of the workspace. */
export const listTopics = () => unwrap(gl.GET('/api/v1/topics'));
/** One page of open review items (messages that only mention a STOP word), newest first. */
export const listOpenReviews = (cursor?: string, limit = 50) => unwrap(gl.GET('/api/v1/opt-out/notes', { params: { query: { kind: 'review', open: true, limit, cursor } } }));
/** Settles a review item: `opt_out` withdraws every topic and suppresses the number; `dismiss` changes nothing. */
export const resolveReview = (id: number, action: ReviewAction) => unwrap(gl.POST('/api/v1/opt-out/notes/{id}/resolve', { params: { path: { id: String(id) } }, body: { action } }));
/** Custom attribute definitions of the workspace. */
export const listAttributes = () => unwrap(gl.GET('/api/v1/attributes'));
/** Defines a custom attribute (its key and the type every value is checked against). */
export const defineAttribute = (input: BodyOf<'/api/v1/attributes', 'post'>) => unwrap(gl.POST('/api/v1/attributes', { body: input }));
/** All saved segments and static lists, by name. */
export const listSegments = () => unwrap(gl.GET('/api/v1/segments'));
/** Counts and samples the contacts matching `rules` without saving anything; bad rules are a 422 naming the node. */
export const previewSegment = (rules: unknown, sampleSize = 10) => unwrap(gl.POST('/api/v1/segments/preview', { body: { rules, sample_size: sampleSize } }));
/** Saves a dynamic segment (with rules) or creates an empty static list (without). */
export const createSegment = (input: { name: string; description?: string; rules?: unknown }) => unwrap(gl.POST('/api/v1/segments', { body: input }));
/** Deletes a segment; a 409 SEGMENT_IN_USE when other segments' rules refer to it. */
export const deleteSegment = (id: string) => unwrap(gl.DELETE('/api/v1/segments/{id}', { params: { path: { id } } }));
/** The fields, operators and values segment rules can use. */
export const getSegmentCatalog = () => unwrap(gl.GET('/api/v1/segments/catalog'));
/** How many contacts a saved segment holds now. */
export const countSegment = (id: string) => unwrap(gl.GET('/api/v1/segments/{id}/count', { params: { path: { id } } }));
/** What adding to or removing from a static list did. */
export type ListMembersChanged = ResponseOf<'/api/v1/segments/{id}/members', 'post'>;
/** Adds contacts to a static list. */
export const addListMembers = (id: string, contactIds: string[]) => unwrap(gl.POST('/api/v1/segments/{id}/members', { params: { path: { id } }, body: { contact_ids: contactIds } }));
/** Removes contacts from a static list. */
export const removeListMembers = (id: string, contactIds: string[]) =>
  unwrap(gl.POST('/api/v1/segments/{id}/members/remove', { params: { path: { id } }, body: { contact_ids: contactIds } }));
/** One page of the contacts in a saved segment now. */
export const listSegmentContacts = (id: string, cursor?: string, limit = 50) =>
  unwrap(gl.GET('/api/v1/segments/{id}/contacts', { params: { path: { id }, query: { limit, cursor } } }));

/** Whether first-run setup is open (no user yet), and the countries its form offers. */
export type SetupStatus = ResponseOf<'/api/v1/setup', 'get'>;
/** What first-run setup takes: the link's one-time token, the owner's login and the business. */
export type SetupInput = BodyOf<'/api/v1/setup', 'post'>;
/** Whether first-run setup is still open. */
export const getSetupStatus = () => unwrap(gl.GET('/api/v1/setup'));
/** Creates the first owner with the setup link's token and logs them in (sets the session cookie). */
export const completeSetup = (input: SetupInput) => unwrap(gl.POST('/api/v1/setup', { body: input }));
/**
 * Changes the workspace's name or settings (a 422 names the field that is wrong). A narrow exception:
 * settings are typed loosely, because the generated type's catch-all (`[key: string]: null`: unknown
 * keys may only be removed) clashes with every known key in TypeScript; the server checks each key.
 */
export const updateWorkspace = (input: { name?: string; settings?: Record<string, unknown> }) =>
  unwrap(gl.PATCH('/api/v1/workspace', { body: input as BodyOf<'/api/v1/workspace', 'patch'> }));
