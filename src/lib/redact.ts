// Phone numbers are personal data: logs keep only the country-ish prefix and the last two digits.
const PHONE_LIKE = /\+?\d[\d ().-]{6,}\d/g;

/** Masks phone-number-like digit runs in free text, e.g. "+14155550123" → "+14•••••••23". */
export function maskPhones(text: string): string {
  return text.replace(PHONE_LIKE, (m) => {
    const digits = m.replace(/\D/g, '');
    if (digits.length < 8) return m;
    return `${m.startsWith('+') ? '+' : ''}${digits.slice(0, 2)}${'•'.repeat(digits.length - 4)}${digits.slice(-2)}`;
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
