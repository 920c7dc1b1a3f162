import { createHash } from 'node:crypto';

/** Where a consent event came from. Grants and withdrawals share the list. */
export const CONSENT_SOURCES = [
  'web_form',
  'qr_keyword',
  'inbound_message',
  'api',
  'import',
  'agent',
  'double_opt_in',
  'stop_keyword',
  'stop_button',
  'user_preferences',
  'delivery_failure',
  'erasure',
  // An automation's re-permission request went unanswered (withdrawals only).
  'automation',
  // The person's choice in the preference centre: a list reply on WhatsApp, or the hosted page behind their signed link.
  'preference_centre',
  'preference_page',
] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];

/**
 * Sources where the person themselves acted on WhatsApp or confirmed a form. Only these may
 * re-subscribe a number that opted out (is suppressed, or withdrew the topic): an import, an API
 * call or an agent cannot resurrect consent the person took back.
 */
export const USER_INITIATED: ReadonlySet<ConsentSource> = new Set(['qr_keyword', 'inbound_message', 'double_opt_in', 'preference_centre']);

/**
 * The hosted preference page: the person behind a signed link sent to their WhatsApp. They may
 * re-join a topic they left there, but a full STOP (suppression) is only lifted from WhatsApp
 * itself: a forwarded link must not resubscribe a number that asked for silence.
 */
export const LINK_INITIATED: ReadonlySet<ConsentSource> = new Set(['preference_page']);

/** Sources Greenlist records itself from the person's own actions; an API caller may not claim them. */
export const SYSTEM_ONLY_SOURCES: ReadonlySet<ConsentSource> = new Set(['qr_keyword', 'inbound_message', 'double_opt_in', 'preference_centre', 'preference_page']);

/**
 * The evidence each source must carry to record a grant (GDPR Art. 7(1): the controller must be
 * able to demonstrate consent). `text` is the exact wording shown; its SHA-256 is stored as the
 * version hash. A list inside a list means "at least one of".
 */
export const GRANT_EVIDENCE: Record<ConsentSource, (string | string[])[]> = {
  web_form: ['text', 'ip', 'user_agent', 'form_id'],
  qr_keyword: ['text', 'wamid', 'source_id'],
  inbound_message: ['text', 'wamid'],
  api: ['text', ['ip', 'user_agent', 'url', 'app']],
  import: ['text', 'import_id', 'attested_by', 'collected_where', 'collected_at'],
  agent: ['text', 'note'],
  double_opt_in: ['text', 'wamid', 'form_id', 'ip', 'user_agent'],
  stop_keyword: [],
  stop_button: [],
  user_preferences: [],
  delivery_failure: [],
  erasure: [],
  automation: [],
  preference_centre: ['text', 'wamid'],
  preference_page: ['text', 'link_id', 'user_agent'],
};

/** Sources a grant may use (the rest only withdraw). */
export const GRANT_SOURCES: readonly ConsentSource[] = ['web_form', 'qr_keyword', 'inbound_message', 'api', 'import', 'agent', 'double_opt_in'];

/** The evidence fields a grant from `source` lacks (empty when complete). */
export function missingEvidence(source: ConsentSource, evidence: Record<string, unknown>): string[] {
  const present = (k: string) => {
    const v = evidence[k];
    return v !== undefined && v !== null && String(v).trim() !== '';
  };
  const missing: string[] = [];
  for (const need of GRANT_EVIDENCE[source]) {
    if (Array.isArray(need)) {
      if (!need.some(present)) missing.push(`evidence.${need.join('|evidence.')}`);
    } else if (!present(need)) missing.push(`evidence.${need}`);
  }
  return missing;
}

/** The version hash of a consent text: SHA-256 of its exact wording. */
export function consentTextHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
