import type { IntakeDirectory, IntakeSecrets } from './intake-secrets.js';
import { signatureDigest, signatureMatches } from './signature.js';
import { routingIdsOf, type RoutingUnit } from './webhook-parse.js';

// Why a scan before any parse: it runs before the signature is known to be good, so it must cost
// no more than one pass over the bytes (JSON.parse of a crafted 4 MiB body costs tens of ms). It
// only chooses which secret to try; the parsed body decides, after the signature verified.
const PHONE_ID = /"phone_number_id"\s*:\s*"([^"\\]{1,64})"/g;
const NUMERIC_ID = /"id"\s*:\s*"(\d{1,32})"/g;
const MAX_IDS = 256;
const MAX_TRIES = 3;

function scan(text: string, re: RegExp): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(re)) {
    out.add(m[1]!);
    if (out.size >= MAX_IDS) break;
  }
  return out;
}

/**
 * The app secrets worth trying for a body, from the ids its text mentions. One body carries one
 * signature, so connected numbers of different apps named together yield none; without a known
 * number, the secrets every named WABA's holders share.
 */
export function candidateSecrets(text: string, dir: IntakeDirectory): string[] {
  const phoneSecrets = new Set<string>();
  for (const id of scan(text, PHONE_ID)) {
    const n = dir.byPhone.get(id);
    if (n) phoneSecrets.add(n.appSecret);
  }
  if (phoneSecrets.size > 0) return phoneSecrets.size === 1 ? [...phoneSecrets] : [];
  let shared: Set<string> | undefined;
  for (const id of scan(text, NUMERIC_ID)) {
    const holders = dir.byWaba.get(id);
    if (!holders) continue;
    const mine = new Set(holders.map((h) => h.appSecret));
    shared = shared ? new Set([...shared].filter((s) => mine.has(s))) : mine;
  }
  return shared ? [...shared].slice(0, MAX_TRIES) : [];
}

/**
 * True when `secret` vouches for every change of the body: a change naming a connected number
 * needs that number's secret; any other change needs a holder of its WABA with that secret (or
 * names a WABA nobody connected, which processing ignores). At least one change must be vouched
 * for. A number in another workspace can never veto: only the numbers a change names count.
 */
export function secretCovers(units: RoutingUnit[], dir: IntakeDirectory, secret: string): boolean {
  let vouched = false;
  for (const u of units) {
    const n = u.phoneNumberId ? dir.byPhone.get(u.phoneNumberId) : undefined;
    if (n) {
      if (n.appSecret !== secret) return false;
      vouched = true;
      continue;
    }
    const holders = dir.byWaba.get(u.wabaId);
    if (!holders) continue;
    if (!holders.some((h) => h.appSecret === secret)) return false;
    vouched = true;
  }
  return vouched;
}

/** An accepted body: the phone-number ids it names (for the stored row). */
export interface AcceptedWebhook {
  phoneNumberIds: string[];
}

/**
 * Verifies a webhook body against the numbers it names, hashing once per candidate secret
 * (normally one). When nothing matches, the directory is refreshed (at most once a second) and
 * only secrets that changed are tried again, so a bad signature costs one HMAC, not one per number.
 */
export async function authoriseWebhook(raw: Buffer, text: string, header: string | undefined, secrets: IntakeSecrets): Promise<AcceptedWebhook | undefined> {
  const digest = signatureDigest(header);
  if (!digest) return undefined;
  const tried = new Set<string>();
  let matched: string | undefined;
  let ids: ReturnType<typeof routingIdsOf> | undefined;
  const attempt = (dir: IntakeDirectory): AcceptedWebhook | undefined => {
    for (const secret of matched ? [] : candidateSecrets(text, dir)) {
      if (tried.has(secret)) continue;
      tried.add(secret);
      if (signatureMatches(raw, digest, secret)) matched = secret;
      if (matched) break;
    }
    if (!matched) return undefined;
    ids ??= routingIdsOf(text);
    return secretCovers(ids.units, dir, matched) ? { phoneNumberIds: ids.phoneNumberIds } : undefined;
  };
  const dir = await secrets.get();
  const first = attempt(dir);
  if (first) return first;
  const fresh = await secrets.refresh();
  return fresh === dir ? undefined : attempt(fresh);
}
