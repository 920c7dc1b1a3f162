// Phone numbers are personal data: logs keep only the country-ish prefix and the last two digits.
// A phone-shaped value is a run of 8–15 digits (optionally "+" or URL-encoded "%2B", with spaces,
// dots, dashes or brackets between) that stands on its own. Why the look-arounds: ids are not
// phones. A UUID or a hex/base64 id has digit runs glued to letters or dashes
// ("ae5b3412-9f06-…"); masking inside them made log lines unreadable and ids unsearchable.
const PHONE_LIKE = /(?:\+|%2B|(?<![\w%+.-]))\d[\d ().-]{6,}\d(?![\w-])/gi;
// Shapes that match PHONE_LIKE but are not phones: dates (2026-12-06, 2026-12-06 10:00) and IPv4.
const NOT_A_PHONE = /^(?:\d{4}-\d{2}-\d{2}|\d{1,3}(?:\.\d{1,3}){3}$)/;

/** Masks phone-number-like values in free text, e.g. "+14155550123" → "+14•••••••23"; ids stay whole. */
export function maskPhones(text: string): string {
  return text.replace(PHONE_LIKE, (m) => {
    const plus = m.startsWith('+') ? '+' : /^%2B/i.test(m) ? '%2B' : '';
    const body = m.slice(plus.length);
    const digits = body.replace(/\D/g, '');
    if (digits.length < 8 || digits.length > 15 || NOT_A_PHONE.test(body)) return m;
    return `${plus}${digits.slice(0, 2)}${'•'.repeat(digits.length - 4)}${digits.slice(-2)}`;
  });
}

/** Hides secret query values in a URL before it is logged: the webhook handshake's `hub.verify_token`. */
export function maskUrlSecrets(url: string): string {
  return url.replace(/([?&]hub(?:\.|%2e)verify_token=)[^&#]*/gi, '$1[redacted]');
}

/** Masks a bearer token or API key to a short recognisable prefix. */
export function maskToken(token: string): string {
  return token.length <= 8 ? '***' : `${token.slice(0, 6)}…`;
}

/** Log paths pino must censor wherever they appear (tokens, secrets, passwords, phone fields). */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hub-signature-256"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.access_token',
  '*.accessToken',
  '*.app_secret',
  '*.appSecret',
  '*.verify_token',
  '*.apiKey',
  '*.api_key',
  '*.key',
  '*.secret',
  '*.phone',
  '*.to',
  '*.from',
  '*.wa_id',
  '*.waId',
  '*.phones',
  '*.phone_e164',
  '*.recipient',
  '*.msisdn',
  '*.display_phone_number',
  '*.masterKey',
];

/**
 * An error's message fit for logs and stored diagnostics: query parameters (which can carry
 * message bodies and phone numbers) cut off, phone-like digits masked, length bounded.
 */
export function safeErrorMessage(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  const cause = err instanceof Error && err.cause instanceof Error ? ` (cause: ${err.cause.message})` : '';
  const cut = (text: string) => text.split(/\nparams:/)[0]!;
  return maskPhones(cut(raw) + cut(cause)).slice(0, 500);
}
