import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Checks `X-Hub-Signature-256` against the exact raw bytes (re-serialised JSON would differ:
 * Meta escapes non-ASCII and "/"), in constant time. Returns the index of the matching secret,
 * or -1. A missing or malformed header never matches (fail closed).
 */
export function matchSignature(raw: Buffer, header: string | undefined, secrets: readonly string[]): number {
  if (!header || !/^sha256=[0-9a-f]{64}$/i.test(header)) return -1;
  const given = Buffer.from(header.slice(7).toLowerCase(), 'hex');
  let found = -1;
  for (let i = 0; i < secrets.length; i++) {
    const expected = createHmac('sha256', secrets[i]!).update(raw).digest();
    // Check every secret (no early exit) so timing does not reveal which one matched.
    if (timingSafeEqual(expected, given) && found === -1) found = i;
  }
  return found;
}

/** Computes the header value for `raw` (used by tests and the simulator's clients). */
export function signBody(raw: Buffer | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
}
