// Pure rules of broadcasting: states, policies and their defaults, error handling, auto-pause,
// pacing arithmetic and cost estimates. No I/O; unit-tested in broadcasts.rules.test.ts.
import type { RateCard } from '../workspaces/index.js';
import { DEFAULT_MARKETING_POLICY, DEFAULT_PACING_RATIO, marketingPolicyFrom, type MarketingPolicy } from '../sending/index.js';

/**
 * A broadcast's variable map with each `{ tracked_link: n }` replaced by `source(n)` (a placeholder
 * value to check the map, a per-recipient attribute for sending, the plain link for a test send),
 * and the link indexes it used. Generic so this file stays free of template types.
 */
export function resolveTrackedLinks<S>(vars: Record<string, unknown>, source: (index: number) => S): { vars: Record<string, unknown>; links: number[] } {
  const links: number[] = [];
  const out = Object.fromEntries(
    Object.entries(vars).map(([k, v]) => {
      if (!v || typeof v !== 'object' || !('tracked_link' in v)) return [k, v];
      const n = (v as { tracked_link: number }).tracked_link;
      links.push(n);
      return [k, source(n)];
    }),
  );
  return { vars: out, links };
}

/** Broadcast lifecycle. */
export const BROADCAST_STATUSES = ['draft', 'scheduled', 'sending', 'paused', 'completed', 'cancelled'] as const;
export type BroadcastStatus = (typeof BROADCAST_STATUSES)[number];

/**
 * Recipient states. `claimed` rows were never posted (a crashed worker's claims go back to the
 * queue); `sending` rows may have reached Meta, so they are never re-posted blindly; `uncertain`
 * rows wait for a status webhook carrying their callback data. `excluded` rows were matched by the
 * audience but left out when the broadcast started (their `reason` says why); they are never sent.
 */
export const RECIPIENT_STATES = ['queued', 'claimed', 'sending', 'uncertain', 'accepted', 'skipped', 'failed', 'cancelled', 'excluded'] as const;
export type RecipientState = (typeof RECIPIENT_STATES)[number];

/** States in which a recipient may still be messaged. */
export const OPEN_STATES: readonly RecipientState[] = ['queued', 'claimed', 'sending', 'uncertain'];

/** What happens to a request whose outcome is unknown once the reconciliation window passes without a status. */
export type UncertainPolicy = 'never_resend' | 'resend_after_window';

/**
 * The policies a broadcast runs under (workspace settings `broadcasts`, frozen at start). Quiet
 * hours and the frequency cap are the workspace's marketing rule (sending module), which every
 * sender of marketing applies; the rest is the broadcast engine's own.
 */
export interface BroadcastPolicy extends MarketingPolicy {
  /** Share of the number's throughput tier to use; the rest is left for replies (Meta counts both). */
  pacingRatio: number;
  autoPause: { minSent: number; failureRate: number; optOutRate: number; onQuality: string[] };
  uncertain: { policy: UncertainPolicy; windowSeconds: number };
  /** Retries of transient errors before a recipient is failed. */
  maxAttempts: number;
}

/** Defaults: 90 % of tier, no marketing 21:00–08:00 local, ≤ 2 marketing per 7 days, never resend uncertain sends. */
export const DEFAULT_POLICY: BroadcastPolicy = {
  pacingRatio: DEFAULT_PACING_RATIO,
  ...DEFAULT_MARKETING_POLICY,
  autoPause: { minSent: 100, failureRate: 0.2, optOutRate: 0.05, onQuality: ['RED'] },
  uncertain: { policy: 'never_resend', windowSeconds: 900 },
  maxAttempts: 8,
};

/** Merges workspace settings (snake_case, validated by the workspace schema) over the defaults. */
export function policyFrom(settings: Record<string, unknown> | undefined): BroadcastPolicy {
  const s = (settings ?? {}) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const p: BroadcastPolicy = { ...structuredClone(DEFAULT_POLICY), ...marketingPolicyFrom(s) };
  if (typeof s.pacing_ratio === 'number') p.pacingRatio = s.pacing_ratio;
  if (s.auto_pause) {
    const a = s.auto_pause;
    p.autoPause = {
      minSent: a.min_sent ?? p.autoPause.minSent,
      failureRate: a.failure_rate ?? p.autoPause.failureRate,
      optOutRate: a.opt_out_rate ?? p.autoPause.optOutRate,
      onQuality: a.on_quality ?? p.autoPause.onQuality,
    };
  }
  if (s.uncertain) p.uncertain = { policy: s.uncertain.policy ?? p.uncertain.policy, windowSeconds: s.uncertain.window_seconds ?? p.uncertain.windowSeconds };
  if (typeof s.max_attempts === 'number') p.maxAttempts = s.max_attempts;
  return p;
}

/** Pause between retries of a transient error: exponential with full jitter, capped (AWS "backoff with jitter"). */
export function retryDelayMs(attempt: number, random = Math.random): number {
  const cap = Math.min(60_000, 1_000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(cap / 2 + (random() * cap) / 2);
}

/** Meta's advice for 131056: wait 4^X seconds, X counting consecutive hits for this recipient. */
export function pairRateDelayMs(hits: number): number {
  return Math.min(4 ** Math.max(0, hits), 1024) * 1000;
}

/** What the engine does with a failed send, by the adapter's retry class and Meta's code. */
export type FailureAction =
  | { kind: 'retry'; throttleNumber: boolean }
  | { kind: 'pair_delay' }
  | { kind: 'uncertain' }
  | { kind: 'fail'; reason: string }
  | { kind: 'pause_broadcast'; reason: string; code: string };

/** Maps a send error to the engine's action. Template and account errors stop the whole broadcast, not one recipient. */
export function failureActionOf(retry: string | undefined, metaCode: number | undefined, code: string): FailureAction {
  if (retry === 'uncertain') return { kind: 'uncertain' };
  if (retry === 'pacing') return { kind: 'pair_delay' };
  if (retry === 'transient') return { kind: 'retry', throttleNumber: metaCode === 130429 || metaCode === 4 || metaCode === 80007 };
  if (metaCode !== undefined && metaCode >= 132000 && metaCode < 133000) {
    return { kind: 'pause_broadcast', code: 'TEMPLATE_ERROR', reason: `the template was refused by WhatsApp (error ${metaCode}): ${TEMPLATE_ERRORS[metaCode] ?? 'check the template and its variables'}` };
  }
  if (retry === 'permanent_account' || code === 'WHATSAPP_ACCOUNT_BLOCKED' || code === 'WHATSAPP_AUTH_FAILED') {
    return { kind: 'pause_broadcast', code: 'ACCOUNT_ERROR', reason: `WhatsApp refused to send for this number (${code}${metaCode !== undefined ? `, error ${metaCode}` : ''}); fix it in WhatsApp Manager, then resume` };
  }
  return { kind: 'fail', reason: code };
}

const TEMPLATE_ERRORS: Record<number, string> = {
  132000: 'the number of parameters does not match the template',
  132001: 'the template does not exist in this language or is not approved',
  132005: 'the text with its parameters is too long',
  132007: 'a parameter breaks the template format policy',
  132012: 'a parameter has the wrong format',
  132015: 'the template is paused for low quality',
  132016: 'the template is disabled',
};

/** Counts the auto-pause rule looks at. */
export interface ProgressCounts {
  accepted: number;
  failed: number;
  optedOut: number;
}

/**
 * Whether a running broadcast should pause itself: too many failures or opt-outs after it (once
 * enough were sent to judge), or the number's quality dropped. Returns the reason, or null.
 */
export function autoPauseReason(c: ProgressCounts, quality: string, policy: BroadcastPolicy): { code: string; reason: string } | null {
  const a = policy.autoPause;
  if (a.onQuality.includes(quality)) return { code: 'QUALITY_DROPPED', reason: `the number's quality rating is ${quality}` };
  const attempted = c.accepted + c.failed;
  if (attempted >= a.minSent && c.failed / attempted >= a.failureRate) {
    return { code: 'FAILURE_RATE', reason: `${c.failed} of ${attempted} sends failed (${pct(c.failed / attempted)}, threshold ${pct(a.failureRate)})` };
  }
  if (c.accepted >= a.minSent && c.optedOut / c.accepted >= a.optOutRate) {
    return { code: 'OPT_OUT_RATE', reason: `${c.optedOut} of ${c.accepted} recipients opted out after this broadcast (${pct(c.optedOut / c.accepted)}, threshold ${pct(a.optOutRate)})` };
  }
  return null;
}

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;


/** Estimated cost of sending to these per-country counts in a category. */
export function estimateCost(byCountry: Record<string, number>, category: string, card: RateCard): { currency: string; total: number; by_country: Record<string, { recipients: number; rate: number; cost: number }> } {
  const cat = category.toLowerCase() as 'marketing' | 'utility' | 'authentication';
  const out: Record<string, { recipients: number; rate: number; cost: number }> = {};
  let total = 0;
  for (const [country, n] of Object.entries(byCountry)) {
    const rate = card.rates[country]?.[cat] ?? card.rates['*']?.[cat] ?? 0;
    const cost = Math.round(n * rate * 10_000) / 10_000;
    out[country] = { recipients: n, rate, cost };
    total += cost;
  }
  return { currency: card.currency, total: Math.round(total * 100) / 100, by_country: out };
}

/**
 * How many slots a claim may reserve: enough to keep `horizonMs` of sending booked ahead, at
 * most `max`. `nextSlotMs` is where the shared schedule stands (never before now).
 */
export function slotsToReserve(nowMs: number, nextSlotMs: number, ratePerSecond: number, horizonMs: number, max: number): number {
  const start = Math.max(nowMs, nextSlotMs);
  const room = nowMs + horizonMs - start;
  if (room <= 0) return 0;
  // A slow number (a few per second) still gets one slot when the schedule has caught up with now.
  const floor = start <= nowMs ? 1 : 0;
  return Math.max(floor, Math.min(max, Math.floor((room * ratePerSecond) / 1000)));
}

/**
 * Meta codes a failed recipient may be sent once more for ("Resend to failed"): transient server and
 * throughput errors (whatsapp-cloud-api.md §2) and 131000 reported as a failed status (the message
 * is known not to have gone out). 131049 is resendable too, but only after ECOSYSTEM_RETRY_HOURS.
 * Everything else (131026 not on WhatsApp, 131050 stopped marketing, 131047 window, invalid
 * parameters, template and account errors) is permanent and never resent.
 */
export const RESENDABLE_CODES: readonly number[] = [1, 2, 4, 80007, 130429, 131000, 131016, 131057, 133004];

/** Meta's per-user marketing limit ("healthy ecosystem engagement"). */
export const ECOSYSTEM_LIMIT_CODE = 131049;

/**
 * Hours before a 131049 recipient may be resent. Meta publishes no time; its guidance is "retry
 * later" and the per-user cap is a rolling daily one, so 24 h is the conservative choice
 * (docs/whatsapp-cloud-api.md §2).
 */
export const ECOSYSTEM_RETRY_HOURS = 24;

/** The reason shown on a recipient held back by 131049, with the earliest time it can be resent. */
export function ecosystemLimitReason(resendAfter: Date): string {
  return `held back by WhatsApp's per-user marketing limit (131049); can be resent after ${resendAfter.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
