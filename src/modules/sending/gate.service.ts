// The send-time check of the send gate for senders outside a broadcast (automation steps, an agent's
// template, a transactional template from the API): consent for the message's purpose, suppression,
// reachability, then — for marketing — quiet hours and the frequency cap. Broadcasts apply the same
// rules inside their set-based claim (broadcasts/claim.service.ts) with the same fragments.
import { param, sql } from 'drizzle-orm';
import { pausedByContact, phoneHasher, suppressedAmong, topicConsentJoin } from '../consent/index.js';
import type { Db } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { marketingDeferrals } from './marketing.service.js';
import type { MarketingPolicy } from './marketing.rules.js';

/** Why a message must not go to a person at all. */
export type RefusalReason = 'unknown_contact' | 'no_consent' | 'consent_withdrawn' | 'suppressed' | 'unreachable' | 'paused_by_contact';

/** The gate's answer for one person: send now, never (this message), or not before `until`. */
export type GateVerdict = { kind: 'send' } | { kind: 'skip'; reason: RefusalReason } | { kind: 'defer'; until: Date; reason: string };

/** What is being sent, to whom, and under which marketing policy. */
export interface GateRequest {
  workspaceId: string;
  /** The topic the message is about: the person must have granted it (every business-initiated template needs an opt-in). */
  topicId: string;
  /** Marketing content (a MARKETING template): quiet hours and the frequency cap apply. */
  marketing: boolean;
  contactIds: string[];
  policy: MarketingPolicy;
  now: Date;
  /** The workspace's zone, for people whose own zone is unknown. */
  fallbackTimezone?: string | null;
}

/**
 * The send gate's verdict for each person (INV-CONSENT: checked at send time, never from a cached
 * audience). Refusals come first — a suppressed number is refused even with a grant on record —
 * and only people who may be messaged at all are checked against the marketing rule. For marketing,
 * a person who paused in the preference centre is skipped (`paused_by_contact`) until the pause ends.
 */
export async function gateVerdicts(db: Db, req: GateRequest): Promise<Map<string, GateVerdict>> {
  const out = new Map<string, GateVerdict>(req.contactIds.map((id) => [id, { kind: 'skip', reason: 'unknown_contact' }]));
  if (req.contactIds.length === 0) return out;
  const consent = topicConsentJoin(sql`c.id`, req.topicId, { left: true });
  // A pause the person chose in the preference centre holds marketing only: utility (an order update) still goes.
  const paused = req.marketing ? pausedByContact(sql`c.id`, req.now.toISOString()) : sql`false`;
  const rows = await queryRowsOf<{ id: string; address: string | null; unreachable: boolean; consent: string | null; paused: boolean }>(
    db,
    sql`select c.id, coalesce(c.phone, c.user_id) as address, c.unreachable_at is not null as unreachable, ${consent.status} as consent, ${paused} as paused
        from contacts c ${consent.join}
        where c.workspace_id = ${req.workspaceId} and c.id = any(${param(req.contactIds)}::uuid[])`,
  );
  const hash = await phoneHasher(db, req.workspaceId);
  const suppressed = await suppressedAmong(db, req.workspaceId, rows.flatMap((r) => (r.address ? [hash(r.address)] : [])));
  const allowed: string[] = [];
  for (const r of rows) {
    const refusal = refusalOf(r, (a) => suppressed.has(hash(a)));
    out.set(r.id, refusal ? { kind: 'skip', reason: refusal } : { kind: 'send' });
    if (!refusal) allowed.push(r.id);
  }
  if (!req.marketing) return out;
  const waits = await marketingDeferrals(db, { workspaceId: req.workspaceId, contactIds: allowed, policy: req.policy, now: req.now, fallbackTimezone: req.fallbackTimezone });
  for (const [id, w] of waits) out.set(id, { kind: 'defer', ...w });
  return out;
}

/** The first rule a person fails, in the order the gate applies them (null: they may be messaged). */
function refusalOf(r: { address: string | null; unreachable: boolean; consent: string | null; paused: boolean }, isSuppressed: (address: string) => boolean): RefusalReason | null {
  if (!r.address) return 'unknown_contact';
  if (isSuppressed(r.address)) return 'suppressed';
  if (r.consent === 'withdrawn') return 'consent_withdrawn';
  if (r.consent !== 'granted') return 'no_consent';
  if (r.unreachable) return 'unreachable';
  if (r.paused) return 'paused_by_contact';
  return null;
}
