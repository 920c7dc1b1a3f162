import { createHmac } from 'node:crypto';

/** Characters Meta escapes in webhook bodies besides non-ASCII (which is always escaped). */
export type EscapeStyle = 'meta' | 'minimal';

const META = /[\u007f-\uffff/@<%]/g;
const MINIMAL = /[\u007f-\uffff/]/g;
const escapeChar = (ch: string) => (ch === '/' ? '\\/' : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * Serializes like Meta's webhook sender: non-ASCII as lowercase `\uXXXX` (emoji become
 * surrogate pairs), "/" as "\/", and in 'meta' style also "@ < %" as `\u00XX`.
 * Why: receivers must verify the HMAC over these exact bytes; re-serialising the parsed JSON
 * yields different bytes, which is the classic signature bug this exercises.
 */
export function toMetaJson(value: unknown, style: EscapeStyle = 'meta'): string {
  return JSON.stringify(value).replace(style === 'meta' ? META : MINIMAL, escapeChar);
}

/** `X-Hub-Signature-256` value: `sha256=` + hex HMAC-SHA256(app secret, exact body bytes). */
export function signSha256(body: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}

/** Legacy `X-Hub-Signature` value (SHA-1), still sent by Meta next to the SHA-256 one. */
export function signSha1(body: Buffer | string, appSecret: string): string {
  return `sha1=${createHmac('sha1', appSecret).update(body).digest('hex')}`;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deeply renames object keys with `rename` (arrays and values are kept). */
function renameKeys(value: unknown, rename: (k: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => renameKeys(v, rename));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[rename(k)] = renameKeys(v, rename);
  return out;
}

/** snake_case keys → camelCase keys, deeply (control-plane JSON → TypeScript knobs). */
export function toCamelKeys(value: unknown): unknown {
  return renameKeys(value, (k) => k.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()));
}

/** camelCase keys → snake_case keys, deeply (TypeScript knobs → control-plane JSON). */
export function toSnakeKeys(value: unknown): unknown {
  return renameKeys(value, (k) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
}
