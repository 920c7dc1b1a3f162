import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The secrets whose HMAC-SHA256 of the exact raw bytes matches `X-Hub-Signature-256`
 * (re-serialised JSON would differ: Meta escapes non-ASCII and "/"). Every secret is checked in
 * constant time, with no early exit; a missing or malformed header matches none (fail closed).
 */
export function verifyingSecrets(raw: Buffer, header: string | undefined, secrets: Iterable<string>): Set<string> {
  const matched = new Set<string>();
  if (!header || !/^sha256=[0-9a-f]{64}$/i.test(header)) return matched;
  const given = Buffer.from(header.slice(7).toLowerCase(), 'hex');
  for (const secret of new Set(secrets)) {
    if (timingSafeEqual(createHmac('sha256', secret).update(raw).digest(), given)) matched.add(secret);
  }
  return matched;
}
