import { advanceSchedule, lockSchedule, marketingDeferral, marketingFactsSql, tierLimitOf, type LockedSchedule, type MarketingFacts } from '../sending/index.js';
import { param, sql } from 'drizzle-orm';
import { isBsuid } from '../../lib/phone/index.js';
import { pausedByContact, suppressedAmong, topicConsentJoin } from '../consent/index.js';
import type { Db } from '../context.js';
import { messagingLimitUsed, type OutboundMessage } from '../messaging/index.js';
import type { RenderContact } from '../templates/index.js';
import { queryRowsOf } from '../sql.js';
import { slotsToReserve, type BroadcastPolicy } from './broadcasts.rules.js';

/** What a worker needs to know about a running broadcast to claim and render its recipients. */
export interface ActiveBroadcast {
  id: string;
  workspaceId: string;
  numberId: string;
  topicId: string;
  isMarketing: boolean;
  policy: BroadcastPolicy;
  /** The broadcast has an A/B test: claims read each row's group and the winner, and render by them. */
  hasAbTest?: boolean;
  /** Renders one recipient's message (an A/B variant's when `variant` is given), or says why it cannot be sent. */
  render(contact: ClaimContact, recipientId: number, variant?: string | null): { ok: true; message: Extract<OutboundMessage, { type: 'template' }>; text: string } | { ok: false; reason: string };
  /** HMAC of an E.164 number under the workspace's suppression key. */
  hashPhone(e164: string): string;
}

/** The contact fields a claim reads for rendering: those template rendering uses. */
export type ClaimContact = RenderContact;

/** A recipient this worker will send to at `slotAt` (ms on the database clock). */
export interface ClaimedSend {
  recipientId: number;
  broadcastId: string;
  /** The broadcast sends marketing: the message log marks it so the frequency cap counts it. */
  isMarketing: boolean;
  workspaceId: string;
  numberId: string;
  topicId: string;
  contactId: string;
  to: string;
  waId: string;
  phoneHash: string;
  callbackData: string;
  message: Extract<OutboundMessage, { type: 'template' }>;
  text: string;
  slotAt: number;
}

interface Candidate extends ClaimContact, MarketingFacts {
  id: number;
  contact_id: string;
  attempts: number;
  wa_id: string | null;
  unreachable: boolean;
  consent: string | null;
  /** The person paused marketing in the preference centre (always false for a utility broadcast). */
  paused: boolean;
  last_sent_at: string | null;
  /** A/B test: the row's group (A–D or rest) and the test's winner (null while testing). */
  variant: string | null;
  ab_winner: string | null;
}

/** Minimum gap between two messages to one person (Meta's pair rate is about one per 6 s). */
export const PAIR_GAP_MS = 6_000;

type Transition = { id: number; state: string; reason: string | null; notBefore: Date | null; lockedUntil: Date | null; inc: number };

/** The options of one claim: the number's rate and tier, and how far ahead and how much to book. */
interface ClaimOptions {
  now: Date;
  ratePerSecond: number;
  tier: string;
  horizonMs: number;
  maxBatch: number;
  leaseMs: number;
}

/**
 * Claims the next recipients of one business number, in one transaction that holds the number's
 * pacing row: reserves send slots on the shared schedule (so all workers together stay under the
 * rate), respects the messaging-limit tier, and evaluates each candidate: no consent,
 * unreachable or paused by the person (marketing) → skipped; suppressed → skipped; a missing variable → skipped with the reason;
 * messaged in the last 6 s, in quiet hours or at the frequency cap → deferred (not dropped).
 */
export async function claimForNumber(
  db: Db,
  numberId: string,
  list: ActiveBroadcast[],
  opts: ClaimOptions,
): Promise<{ sends: ClaimedSend[]; dbNowMs: number; localAtDbNowMs: number; skipped: number; deferred: number; backoffUntil: number | null; bookedAheadMs: number }> {
  return db.transaction(async (tx) => {
    const p = await lockSchedule(tx, numberId, list[0]!.workspaceId, opts.ratePerSecond);
    const base = { dbNowMs: p.dbNowMs, localAtDbNowMs: p.localAtDbNowMs, skipped: 0, deferred: 0 };
    if (p.backoffUntilMs !== null && p.backoffUntilMs > p.dbNowMs) return { ...base, sends: [], backoffUntil: p.backoffUntilMs, bookedAheadMs: p.backoffUntilMs - p.dbNowMs };
    // After a 130429 the number is probed with one message at a time until a send succeeds again.
    const probing = p.backoffLevel > 0;
    const room = await roomOf(tx, list[0]!.workspaceId, p, probing, opts);
    const start = Math.max(p.dbNowMs, p.nextMs);
    const sends: ClaimedSend[] = [];
    let skipped = 0;
    let deferred = 0;
    for (const b of list) {
      if (room - sends.length <= 0) break;
      const got = await claimFromBroadcast(tx, b, numberId, room - sends.length, { start: start + (sends.length * 1000) / opts.ratePerSecond, ...opts });
      sends.push(...got.sends);
      skipped += got.skipped;
      deferred += got.deferred;
    }
    let next = p.nextMs;
    if (sends.length > 0) {
      // Why (R6): a probe books the whole next second, so until its outcome is known no worker posts for this number again: ≤ 1 request/s in a 130429 storm.
      next = start + (probing ? Math.max(1000, 1000 / opts.ratePerSecond) : (sends.length * 1000) / opts.ratePerSecond);
      await advanceSchedule(tx, numberId, next, opts.ratePerSecond);
    }
    return { ...base, sends, skipped, deferred, backoffUntil: null, bookedAheadMs: Math.max(0, next - p.dbNowMs) };
  });
}

/** How many sends this claim may book: the schedule's room in the horizon, one while probing, and what the messaging limit leaves. */
async function roomOf(tx: Db, workspaceId: string, p: LockedSchedule, probing: boolean, opts: ClaimOptions): Promise<number> {
  let room = slotsToReserve(p.dbNowMs, p.nextMs, opts.ratePerSecond, opts.horizonMs, opts.maxBatch);
  if (probing) room = Math.min(room, 1);
  const limit = tierLimitOf(opts.tier);
  if (limit === null || room === 0) return room;
  // Why: the messaging limit caps the unique people reached outside a service window per moving
  // 24 h, across every sender and number of the workspace (Meta: per business portfolio); the
  // rest waits for the window to roll. Sends claimed or in flight are not in the message log
  // yet, so they count too. (Two numbers of one workspace claiming at the same instant may
  // overshoot by one batch: each holds only its own number's row.)
  const [inFlight] = await queryRowsOf<{ n: number }>(tx, sql`select count(*)::int as n from broadcast_recipients where workspace_id = ${workspaceId} and state in ('claimed', 'sending')`);
  return Math.min(room, Math.max(0, limit - (await messagingLimitUsed(tx, workspaceId, opts.now)) - Number(inFlight?.n ?? 0)));
}

/**
 * Claims up to `want` due recipients of one broadcast: evaluates each (consent, reachability,
 * pair gap, quiet hours, cap, rendering, suppression), records every verdict in one statement,
 * and returns the sends with their slots from `start` on.
 */
async function claimFromBroadcast(
  tx: Db,
  b: ActiveBroadcast,
  numberId: string,
  want: number,
  opts: ClaimOptions & { start: number },
): Promise<{ sends: ClaimedSend[]; skipped: number; deferred: number }> {
  // node-postgres returns bigint as text; ids are compared as numbers everywhere else.
  const rows = (await candidatesOf(tx, b, opts.now.toISOString(), want)).map((c) => ({ ...c, id: Number(c.id), attempts: Number(c.attempts) }));
  const transitions: Transition[] = [];
  const ok: { c: Candidate; rendered: { message: ClaimedSend['message']; text: string }; hash: string }[] = [];
  for (const c of rows) {
    const verdict = evaluate(c, b, opts.now);
    if (verdict.kind === 'skip') transitions.push({ id: c.id, state: 'skipped', reason: verdict.reason, notBefore: null, lockedUntil: null, inc: 0 });
    else if (verdict.kind === 'defer') transitions.push({ id: c.id, state: 'queued', reason: verdict.reason, notBefore: verdict.until, lockedUntil: null, inc: 0 });
    else {
      // The rest gets the winner; the sweep or a person set it in the transaction that released the rest.
      const rendered = b.render(c, c.id, c.variant === 'rest' ? c.ab_winner : c.variant);
      if (!rendered.ok) transitions.push({ id: c.id, state: 'skipped', reason: rendered.reason, notBefore: null, lockedUntil: null, inc: 0 });
      else ok.push({ c, rendered, hash: b.hashPhone(c.phone) });
    }
  }
  const suppressed = await suppressedAmong(tx, b.workspaceId, ok.map((o) => o.hash));
  const lease = new Date(opts.now.getTime() + opts.leaseMs);
  const sends: ClaimedSend[] = [];
  for (const o of ok) {
    if (suppressed.has(o.hash)) {
      transitions.push({ id: o.c.id, state: 'skipped', reason: 'suppressed', notBefore: null, lockedUntil: null, inc: 0 });
      continue;
    }
    transitions.push({ id: o.c.id, state: 'claimed', reason: null, notBefore: null, lockedUntil: lease, inc: 1 });
    sends.push(sendOf(b, numberId, o, opts.start + (sends.length * 1000) / opts.ratePerSecond));
  }
  await applyTransitions(tx, transitions, opts.now);
  return { sends, skipped: transitions.filter((t) => t.state === 'skipped').length, deferred: transitions.filter((t) => t.state === 'queued').length };
}

/** The send a claimed candidate becomes. */
function sendOf(b: ActiveBroadcast, numberId: string, o: { c: Candidate; rendered: { message: ClaimedSend['message']; text: string }; hash: string }, slotAt: number): ClaimedSend {
  return {
    recipientId: o.c.id,
    broadcastId: b.id,
    isMarketing: b.isMarketing,
    workspaceId: b.workspaceId,
    numberId,
    topicId: b.topicId,
    contactId: o.c.contact_id,
    to: o.c.phone,
    waId: o.c.wa_id ?? (isBsuid(o.c.phone) ? o.c.phone : o.c.phone.slice(1)),
    phoneHash: o.hash,
    callbackData: `b:${o.c.id}:${o.c.attempts + 1}`,
    message: o.rendered.message,
    text: o.rendered.text,
    slotAt,
  };
}

async function candidatesOf(db: Db, b: ActiveBroadcast, nowIso: string, limit: number): Promise<Candidate[]> {
  // Only marketing waits for quiet hours and counts against the cap (the workspace's marketing rule, frozen in the policy).
  const facts = b.isMarketing
    ? marketingFactsSql(b.policy, { nowIso, timezone: sql`r.timezone`, workspaceId: sql`r.workspace_id`, contactId: sql`r.contact_id`, exceptRecipient: sql`r.id` })
    : sql`null as local_minutes, null as quiet_end_today, null as quiet_end_tomorrow, null as cap_from_ms`;
  const consent = topicConsentJoin(sql`r.contact_id`, b.topicId, { left: true });
  // Why `order by r.not_before` alone: it is the order of broadcast_recipients_due_idx, so the scan stops
  // after `limit` rows. With `r.id` added, all rows of a snapshot (one not_before) were joined and sorted
  // on every claim: 29 s per claim at 600 k recipients (bench/broadcast-snapshot.ts). Ties come in index
  // order (heap order, which is insertion order for a snapshot).
  return queryRowsOf<Candidate>(
    db,
    // A contact known only by its business-scoped user id is addressed (and suppressed) by that id.
    sql`select r.id, r.contact_id, r.attempts, coalesce(c.phone, c.user_id) as phone, c.wa_id, c.name, c.profile_name, c.country, c.language, c.attributes,
          c.unreachable_at is not null as unreachable, ${consent.status} as consent, ${b.isMarketing ? pausedByContact(sql`r.contact_id`, nowIso) : sql`false`} as paused,
          greatest(
            (select max(m.sent_at) from messages m where m.workspace_id = r.workspace_id and m.contact_id = r.contact_id and m.direction = 'out'),
            (select max(r2.sent_at) from broadcast_recipients r2 where r2.workspace_id = r.workspace_id and r2.contact_id = r.contact_id and r2.sent_at is not null and r2.id <> r.id)
          ) as last_sent_at,
          ${facts},
          ${b.hasAbTest ? sql`r.variant, (select a.winner from broadcast_ab_tests a where a.broadcast_id = r.broadcast_id) as ab_winner` : sql`null as variant, null as ab_winner`}
        from broadcast_recipients r
        join contacts c on c.id = r.contact_id
        ${consent.join}
        where r.broadcast_id = ${b.id} and r.state = 'queued' and r.not_before <= ${nowIso}::timestamptz
        order by r.not_before
        limit ${limit}
        for update of r skip locked`,
  );
}

type Verdict = { kind: 'send' } | { kind: 'skip'; reason: string } | { kind: 'defer'; until: Date; reason: string };

/** The send-time rules for one candidate (consent first: INV-CONSENT). */
function evaluate(c: Candidate, b: ActiveBroadcast, now: Date): Verdict {
  if (c.consent !== 'granted') return { kind: 'skip', reason: c.consent === 'withdrawn' ? 'consent_withdrawn' : 'no_consent' };
  if (c.unreachable) return { kind: 'skip', reason: 'unreachable' };
  // Skipped, not deferred: a 30-day pause would hold the broadcast open for a month.
  if (c.paused) return { kind: 'skip', reason: 'paused_by_contact' };
  if (c.last_sent_at) {
    const next = new Date(c.last_sent_at).getTime() + PAIR_GAP_MS;
    if (next > now.getTime()) return { kind: 'defer', until: new Date(next), reason: 'deferred: messaged in the last 6 s' };
  }
  const wait = b.isMarketing ? marketingDeferral(c, b.policy) : null;
  return wait ? { kind: 'defer', ...wait } : { kind: 'send' };
}

/** Applies many recipient state changes in one statement. */
export async function applyTransitions(db: Db, rows: Transition[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  await db.execute(sql`
    update broadcast_recipients r set state = x.state, reason = x.reason, not_before = coalesce(x.nb, r.not_before), locked_until = x.lu,
      attempts = r.attempts + x.inc, updated_at = ${now.toISOString()}::timestamptz
    from unnest(${param(rows.map((t) => t.id))}::bigint[], ${param(rows.map((t) => t.state))}::text[], ${param(rows.map((t) => t.reason))}::text[],
                ${param(rows.map((t) => t.notBefore?.toISOString() ?? null))}::timestamptz[], ${param(rows.map((t) => t.lockedUntil?.toISOString() ?? null))}::timestamptz[],
                ${param(rows.map((t) => t.inc))}::int[]) as x(id, state, reason, nb, lu, inc)
    where r.id = x.id`);
}
