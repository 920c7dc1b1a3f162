// Opt-in sources (QR codes, click-to-chat links, hosted sign-up pages) through the public API (/api/v1/optin-sources).
import { gl, unwrap, type Role } from './api-client';
import type { BodyOf, ItemOf, ResponseOf } from './api-schema';

/** An opt-in source with its opt-in count and, for forms, its public page URL. */
export type OptinSource = ItemOf<ResponseOf<'/api/v1/optin-sources', 'get'>>;
/** What creates a source. */
export type OptinSourceBody = BodyOf<'/api/v1/optin-sources', 'post'>;
/** What changes a source (`page` and `welcome` replace the stored objects). */
export type OptinSourceChanges = BodyOf<'/api/v1/optin-sources/{id}', 'patch'>;
/** Kinds of source. */
export type OptinKind = OptinSource['kind'];
/** The hosted page's fields (forms). */
export type PageFields = NonNullable<OptinSourceBody['page']>;
/** The welcome's fields. */
export type WelcomeFields = NonNullable<OptinSourceBody['welcome']>;

/** Each kind as the tab names it, in the order it offers them (checked against the API's list). */
export const KIND_LABELS = {
  store: 'QR code (shop, counter, packaging)',
  link: 'Link (website, social, email)',
  flyer: 'Flyer',
  event: 'Event',
  form: 'Web form (hosted sign-up page)',
  ad: 'Ad',
  other: 'Other',
} as const satisfies Record<OptinKind, string>;
const _everyKind: Exclude<OptinKind, keyof typeof KIND_LABELS> extends never ? true : never = true;

/** Roles that may create and change sources (the API's contacts:write). */
export const canEditSources = (role: Role) => role === 'owner' || role === 'admin' || role === 'marketer';

const at = (id: string) => `/optin-sources/${encodeURIComponent(id)}`;

/** The workspace's sources, oldest first, with their opt-in counts. */
export const listOptinSources = () => unwrap(gl.GET('/api/v1/optin-sources', { params: { query: { limit: 200 } } }));
/** Creates a source (a 422 or 409 names the field at fault). */
export const createOptinSource = (body: OptinSourceBody) => unwrap(gl.POST('/api/v1/optin-sources', { body }));
/** Changes a source; status "active" on a form runs the publish checks. */
export const updateOptinSource = (id: string, body: OptinSourceChanges) => unwrap(gl.PATCH('/api/v1/optin-sources/{id}', { params: { path: { id } }, body }));
/** Publishes a form at /join/<slug> (422 FORM_INCOMPLETE lists what is missing). */
export const publishOptinSource = (id: string) => unwrap(gl.POST('/api/v1/optin-sources/{id}/publish', { params: { path: { id } } }));
/** The click-to-chat link with the keyword prefilled (422 until a business number is connected). */
export const getOptinLink = (id: string) => unwrap(gl.GET('/api/v1/optin-sources/{id}/link', { params: { path: { id } } }));

/** Where the QR code of a source is served (the session cookie authenticates the download). */
export const qrUrl = (id: string, format: 'png' | 'svg', size?: number) => `/api/v1${at(id)}/qr.${format}${size ? `?size=${size}` : ''}`;
/** Where a form's page preview is served (HTML, draft or live). */
export const pagePreviewUrl = (id: string) => `/api/v1${at(id)}/page-preview`;
/** The admin app's printable poster of a source (opened in its own tab). */
export const posterUrl = (id: string) => `/#optin-poster/${encodeURIComponent(id)}`;
/** The source a `#optin-poster/<id>` address names. */
export function posterIdInHash(hash: string): string | undefined {
  const m = /^#optin-poster\/([^/]+)$/.exec(hash);
  return m ? decodeURIComponent(m[1]!) : undefined;
}
/** One source. */
export const getOptinSource = (id: string) => unwrap(gl.GET('/api/v1/optin-sources/{id}', { params: { path: { id } } }));

/** A form's stored logo, as the upload answers. */
export type OptinLogo = ResponseOf<'/api/v1/optin-sources/{id}/logo', 'put'>;
/** Uploads (replaces) a form's logo: PNG, JPEG or WebP, at most 200 KB (a 422 names `content_type` or `data`). */
export const uploadOptinLogo = (id: string, body: BodyOf<'/api/v1/optin-sources/{id}/logo', 'put'>) => unwrap(gl.PUT('/api/v1/optin-sources/{id}/logo', { params: { path: { id } }, body }));
/** Removes a form's logo. */
export const deleteOptinLogo = (id: string) => unwrap(gl.DELETE('/api/v1/optin-sources/{id}/logo', { params: { path: { id } } }));
/** Where a form's logo is served to the signed-in admin (404 when it has none). */
export const logoUrl = (id: string, version: string) => `/api/v1${at(id)}/logo?v=${encodeURIComponent(version)}`;
/** The languages a sign-up page can offer, named in their own language (checked against the API's list). */
export const PAGE_LANGUAGE_LABELS = { en: 'English', es: 'Español', pt: 'Português', fr: 'Français', de: 'Deutsch', it: 'Italiano', id: 'Bahasa Indonesia', ms: 'Bahasa Melayu', tr: 'Türkçe', hi: 'हिन्दी', ar: 'العربية' } as const satisfies Record<NonNullable<PageFields['languages']>[number], string>;
export type PageLanguage = keyof typeof PAGE_LANGUAGE_LABELS;
