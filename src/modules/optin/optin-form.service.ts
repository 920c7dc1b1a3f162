import { createHmac } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { isAppError } from '../../lib/errors.js';
import { parsePhone } from '../../lib/phone/index.js';
import { consentTextHash, phoneHasher, suppressedAmong, suppressionKeyFor } from '../consent/index.js';
import { findOrCreateContactByWaId } from '../contacts/index.js';
import type { Db } from '../context.js';
import { enqueueAutomated, type OutboundMessage } from '../messaging/index.js';
import { businessNameOf, numberOfSource, topicsOfSource, type SourceTopic } from './optin-lookup.js';
import { checkFormToken, confirmationPayload, pageVersionOf, signFormToken, type PageStatements } from './optin.rules.js';
import type { PageData } from './optin.schemas.js';
import { optinSources, optinSubmissions } from './optin.tables.js';
import { logoVersionOf } from './optin-logo.service.js';
import type { PageLanguage } from './signup-page.i18n.js';

/** A published form, with everything its page states. */
export interface HostedForm {
  id: string;
  workspaceId: string;
  slug: string;
  keyword: string;
  statements: PageStatements;
  topics: SourceTopic[];
  pageVersion: string;
  number: { id: string; digits: string };
  defaultCountry: string | null;
  confirmationTemplate: { name: string; language: string } | null;
  /** The page's header and button colour (#RRGGBB), or null for Greenlist's green. */
  brandColor: string | null;
  /** Languages the page offers, the default first. */
  languages: PageLanguage[];
  /** The logo's version tag (its URL carries it), or null without a logo. */
  logoVersion: string | null;
}

/** A published form by slug; undefined for unknown, draft or archived forms (the page is a 404). */
export async function findPublishedForm(db: Db, slug: string): Promise<HostedForm | undefined> {
  const [row] = await db.select().from(optinSources).where(and(eq(optinSources.slug, slug), eq(optinSources.kind, 'form'), eq(optinSources.status, 'active')));
  if (!row) return undefined;
  const number = await numberOfSource(db, row);
  if (!number || number.digits.length < 7) return undefined;
  return hostedFormOf(db, row, number);
}

/** A form row as its page states it, with the business number its confirmation goes to. */
export async function hostedFormOf(db: Db, row: typeof optinSources.$inferSelect, number: { id: string; digits: string; verifiedName: string | null }): Promise<HostedForm> {
  const page = (row.page ?? {}) as PageData;
  const topics = await topicsOfSource(db, row);
  const statements: PageStatements = {
    businessName: await businessNameOf(db, row, number.verifiedName),
    headline: page.headline ?? null,
    description: page.description ?? null,
    topics: topics.map((t) => ({ name: t.name, frequency: t.frequency })),
    frequency: page.frequency ?? null,
    howToStop: page.how_to_stop ?? '',
    privacyUrl: page.privacy_url ?? '',
    consentText: row.consentText,
    keyword: row.keyword,
  };
  return {
    id: row.id,
    workspaceId: row.workspaceId,
    slug: row.slug ?? '',
    keyword: row.keyword,
    statements,
    topics,
    pageVersion: pageVersionOf(statements),
    number: { id: number.id, digits: number.digits },
    defaultCountry: page.default_country ?? null,
    confirmationTemplate: page.confirmation_template ?? null,
    brandColor: page.brand_color ?? null,
    languages: page.languages && page.languages.length > 0 ? page.languages : ['en'],
    logoVersion: await logoVersionOf(db, row.id),
  };
}

// The key is derived from the workspace's stored secret, so every api process signs and checks the
// same tokens without sharing memory; the label keeps it distinct from the suppression hashes.
async function formTokenKey(db: Db, workspaceId: string): Promise<Buffer> {
  return createHmac('sha256', await suppressionKeyFor(db, workspaceId)).update('greenlist/optin-form-token/v1').digest();
}

/** The signed timestamp token a freshly rendered form carries. */
export async function issueFormToken(db: Db, form: Pick<HostedForm, 'id' | 'workspaceId' | 'pageVersion'>, now: Date): Promise<string> {
  return signFormToken(await formTokenKey(db, form.workspaceId), form.id, form.pageVersion, now.getTime());
}

/** What the person sent from the hosted page. */
export interface FormSubmission {
  phone: string;
  country: string;
  /** The hidden field people never see; scripts fill it in. */
  honeypot: string;
  token: string;
  ip: string;
  userAgent: string | undefined;
  url: string;
}

/** How a submission ended; the page renders each outcome. */
export type SubmitOutcome =
  | { kind: 'pending'; submissionId: string; confirmationQueued: boolean }
  | { kind: 'ignored' }
  | { kind: 'retry'; reason: 'too_fast' | 'expired' | 'invalid' | 'changed'; token: string }
  | { kind: 'invalid_phone'; message: string; token: string };

/** How long a submission waits for the person to confirm on WhatsApp. */
export const SUBMISSION_TTL_MS = 48 * 3600_000;

/**
 * Records a hosted-form submission. It subscribes no one: it keeps the web evidence (text shown,
 * its hash, page version, IP, user agent) until the person confirms on WhatsApp (double opt-in),
 * and may queue a confirmation template to the number.
 */
export async function submitOptinForm(db: Db, form: HostedForm, s: FormSubmission, now: Date): Promise<SubmitOutcome> {
  // A filled honeypot is a script: answer as if it worked, so it learns nothing, and keep nothing.
  if (s.honeypot.trim() !== '') return { kind: 'ignored' };
  const check = checkFormToken(await formTokenKey(db, form.workspaceId), form.id, s.token, now.getTime());
  if (!check.ok) return { kind: 'retry', reason: check.reason, token: await issueFormToken(db, form, now) };
  // The evidence must describe the page the person saw: if it changed since, show the new one.
  if (check.pageVersion !== form.pageVersion) return { kind: 'retry', reason: 'changed', token: await issueFormToken(db, form, now) };
  let e164: string;
  try {
    e164 = parsePhone(s.phone, /^[A-Z]{2}$/.test(s.country) ? s.country : undefined, 'phone').e164;
  } catch (err) {
    if (isAppError(err, 'PHONE_INVALID')) return { kind: 'invalid_phone', message: err.message, token: s.token };
    throw err;
  }
  const text = form.statements.consentText;
  const evidence = {
    text,
    text_hash: consentTextHash(text),
    form_id: form.id,
    ip: s.ip,
    user_agent: s.userAgent?.slice(0, 500) || '(not sent)',
    page_version: form.pageVersion,
    url: s.url,
    business_name: form.statements.businessName,
    submitted_at: now.toISOString(),
  };
  const hash = (await phoneHasher(db, form.workspaceId))(e164);
  // Anyone can type any number, so a number that opted out gets no confirmation message on a
  // stranger's request; if it is really them, the keyword link on the page still works.
  const sendConfirmation = form.confirmationTemplate !== null && (await suppressedAmong(db, form.workspaceId, [hash])).size === 0;
  const contact = sendConfirmation ? await findOrCreateContactByWaId(db, form.workspaceId, e164.slice(1), undefined, now) : undefined;
  const [row] = await db
    .insert(optinSubmissions)
    .values({ workspaceId: form.workspaceId, sourceId: form.id, phone: e164, contactId: contact?.id ?? null, evidence, createdAt: now, expiresAt: new Date(now.getTime() + SUBMISSION_TTL_MS) })
    .returning({ id: optinSubmissions.id });
  let confirmationQueued = false;
  if (form.confirmationTemplate && contact) {
    const day = now.toISOString().slice(0, 10);
    const queued = await enqueueAutomated(
      db,
      [
        {
          workspaceId: form.workspaceId,
          numberId: form.number.id,
          contactId: contact.id,
          waId: e164.slice(1),
          kind: 'optin_confirmation',
          // One confirmation per number, form and day: repeated submissions of someone else's
          // number cannot turn the form into a way to spam them.
          dedupeKey: `optin_confirmation:${form.id}:${hash}:${day}`,
          message: confirmationMessage(form, row!.id),
          template: confirmationTemplateOf(form.confirmationTemplate, row!.id),
        },
      ],
      now,
    );
    confirmationQueued = queued > 0;
  }
  return { kind: 'pending', submissionId: row!.id, confirmationQueued };
}

function confirmationMessage(form: HostedForm, submissionId: string): OutboundMessage {
  const body = `${form.statements.consentText}\n\nTap "Yes, subscribe" to confirm. ${form.statements.howToStop}`.slice(0, 1024);
  return { type: 'interactive', interactive: { type: 'button', body: { text: body }, action: { buttons: [{ type: 'reply', reply: { id: confirmationPayload(submissionId), title: 'Yes, subscribe' } }] } } };
}

function confirmationTemplateOf(t: { name: string; language: string }, submissionId: string): Extract<OutboundMessage, { type: 'template' }> {
  return {
    type: 'template',
    name: t.name,
    language: t.language,
    components: [{ type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: confirmationPayload(submissionId) }] }],
  };
}
