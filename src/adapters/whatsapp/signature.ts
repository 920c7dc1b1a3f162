import { createHmac, timingSafeEqual } from 'node:crypto';

const HEADER = /^sha256=[0-9a-f]{64}$/i;

/** HMACs computed by webhook intake since start (and their bytes): the flood test reads these. */
export const signatureStats = { hashes: 0, bytes: 0 };

/** The digest an `X-Hub-Signature-256` header carries, or undefined when it is missing or malformed. */
export function signatureDigest(header: string | undefined): Buffer | undefined {
  return header && HEADER.test(header) ? Buffer.from(header.slice(7).toLowerCase(), 'hex') : undefined;
}

/**
 * True when HMAC-SHA256(secret, exact raw bytes) equals `digest` (re-serialised JSON would differ:
 * Meta escapes non-ASCII and "/"). Compared in constant time.
 */
export function signatureMatches(raw: Buffer, digest: Buffer, secret: string): boolean {
  signatureStats.hashes++;
  signatureStats.bytes += raw.length;
  return timingSafeEqual(createHmac('sha256', secret).update(raw).digest(), digest);
}

/**
 * The secrets whose HMAC-SHA256 of the exact raw bytes matches `X-Hub-Signature-256`. Every secret
 * is checked, with no early exit; a missing or malformed header matches none (fail closed).
 */
export function verifyingSecrets(raw: Buffer, header: string | undefined, secrets: Iterable<string>): Set<string> {
  const matched = new Set<string>();
  const given = signatureDigest(header);
  if (!given) return matched;
  for (const secret of new Set(secrets)) if (signatureMatches(raw, given, secret)) matched.add(secret);
  return matched;
}
