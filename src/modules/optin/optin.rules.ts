// Pure opt-in rules: links, form completeness, page versions, form tokens and welcome texts.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** What a form's page must state before it can be published (WhatsApp opt-in policy, GDPR Art. 7). */
export interface FormFacts {
  businessName: string | null | undefined;
  topics: { name: string; frequency: string | null }[];
  frequency: string | null | undefined;
  howToStop: string | null | undefined;
  privacyUrl: string | null | undefined;
}

const filled = (v: string | null | undefined): boolean => typeof v === 'string' && v.trim() !== '';

/**
 * The fields a form lacks to be published. "How often" is satisfied by the page's own frequency
 * or, failing that, by every topic promising one: people must know how many messages they sign up for.
 */
export function missingFormFields(f: FormFacts): string[] {
  const missing: string[] = [];
  if (!filled(f.businessName)) missing.push('page.business_name');
  if (f.topics.length === 0) missing.push('topics');
  if (!filled(f.frequency) && (f.topics.length === 0 || !f.topics.every((t) => filled(t.frequency)))) missing.push('page.frequency');
  if (!filled(f.howToStop)) missing.push('page.how_to_stop');
  if (!filled(f.privacyUrl)) missing.push('page.privacy_url');
  return missing;
}

/**
 * The digits of a business number for wa.me: full international form, no "+", spaces or
 * dashes (a leading international "00" is dropped), as click-to-chat requires.
 */
export function waDigits(displayNumber: string): string {
  return displayNumber.replace(/\D/g, '').replace(/^00/, '');
}

/** The click-to-chat link that opens a chat with `digits` and the keyword prefilled. */
export function waMeLink(digits: string, keyword: string): string {
  return `https://wa.me/${digits}?text=${encodeURIComponent(keyword)}`;
}

/** A URL-safe slug from a name ("Spring Sale!" → "spring-sale"), possibly empty. */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}

/** Form slugs: lowercase letters, digits and dashes (they are part of the public URL). */
export const FORM_SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{1,62}[a-z0-9])$/;

/** Everything a hosted page states; its hash is the page version recorded with each submission. */
export interface PageStatements {
  businessName: string;
  headline: string | null;
  description: string | null;
  topics: { name: string; frequency: string | null }[];
  frequency: string | null;
  howToStop: string;
  privacyUrl: string;
  consentText: string;
  keyword: string;
}

/** A short, stable version id of what the page shows: any change to a statement changes it. */
export function pageVersionOf(p: PageStatements): string {
  const canonical = JSON.stringify([p.businessName, p.headline, p.description, p.topics.map((t) => [t.name, t.frequency]), p.frequency, p.howToStop, p.privacyUrl, p.consentText, p.keyword]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex').slice(0, 16);
}

/** How long a person has between loading the page and submitting before the token is stale. */
export const FORM_TOKEN_MAX_AGE_MS = 12 * 3600_000;
/** Scripts submit instantly; a person needs at least this long to type a number. */
export const FORM_MIN_FILL_MS = 2_000;

/** The signed timestamp a form page carries: when it was issued, for which page version. */
export function signFormToken(key: Buffer, formId: string, pageVersion: string, issuedAtMs: number): string {
  return `${issuedAtMs}.${pageVersion}.${macOf(key, formId, pageVersion, issuedAtMs)}`;
}

/** Why a form token is refused, or its page version when it is good. */
export type FormTokenCheck = { ok: true; pageVersion: string } | { ok: false; reason: 'invalid' | 'too_fast' | 'expired' };

/** Verifies a form token: signed for this form, not too fresh (a script) and not stale. */
export function checkFormToken(key: Buffer, formId: string, token: string, nowMs: number): FormTokenCheck {
  const m = /^(\d{10,16})\.([0-9a-f]{16})\.([\w-]{43})$/.exec(token);
  if (!m) return { ok: false, reason: 'invalid' };
  const issuedAt = Number(m[1]);
  const expected = Buffer.from(macOf(key, formId, m[2]!, issuedAt));
  const given = Buffer.from(m[3]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'invalid' };
  const age = nowMs - issuedAt;
  if (age < FORM_MIN_FILL_MS) return { ok: false, reason: 'too_fast' };
  if (age > FORM_TOKEN_MAX_AGE_MS) return { ok: false, reason: 'expired' };
  return { ok: true, pageVersion: m[2]! };
}

function macOf(key: Buffer, formId: string, pageVersion: string, issuedAtMs: number): string {
  return createHmac('sha256', key).update(`${formId}.${pageVersion}.${issuedAtMs}`).digest('base64url');
}

/** What a welcome message is built from. */
export interface WelcomeFacts {
  businessName: string;
  topics: { name: string; frequency: string | null }[];
  frequency: string | null;
  customText: string | null;
  incentive: string | null;
}

/** The instruction every welcome ends with unless its text already says how to stop. */
export const STOP_INSTRUCTION = 'Reply STOP to unsubscribe at any time.';

/**
 * The welcome text: thanks, what they will get and how often, the incentive, and how to stop.
 * A custom text is kept as written, but the incentive and the STOP instruction are appended when
 * it lacks them: people must be told how to withdraw when they agree (GDPR Art. 7(3)).
 */
export function welcomeTextOf(f: WelcomeFacts): string {
  const parts: string[] = [];
  if (f.customText && f.customText.trim() !== '') {
    parts.push(f.customText.trim());
  } else {
    const what = f.topics.map((t) => (t.frequency ? `${t.name} (${t.frequency})` : t.name));
    const list = what.length <= 1 ? (what[0] ?? 'our messages') : `${what.slice(0, -1).join(', ')} and ${what.at(-1)}`;
    // The overall frequency only when some topic does not promise its own (never said twice).
    const overall = f.frequency && (f.topics.length === 0 || f.topics.some((t) => !t.frequency)) ? `, ${f.frequency}` : '';
    parts.push(`Thanks for joining ${f.businessName} on WhatsApp! You'll get ${list}${overall}.`);
  }
  if (f.incentive && !parts[0]!.includes(f.incentive)) parts.push(`Your welcome gift: ${f.incentive}`);
  // Only the keyword in capitals counts: "don't stop shopping" must not pass for the instruction.
  if (!/\bSTOP\b/.test(parts.join(' '))) parts.push(STOP_INSTRUCTION);
  return parts.join('\n\n');
}

/** The quick-reply payload of a confirmation message for one submission. */
export function confirmationPayload(submissionId: string): string {
  return `optin:${submissionId}`;
}

/** The submission id a quick-reply payload confirms, if it is one of ours. */
export function submissionIdOfPayload(payload: string | null | undefined): string | undefined {
  const m = payload ? /^optin:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i.exec(payload) : null;
  return m ? m[1]!.toLowerCase() : undefined;
}
