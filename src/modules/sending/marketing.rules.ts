// The marketing rule every sender of marketing applies at send time, whatever sends it (a broadcast,
// an automation step, an agent's template): recipient-local quiet hours and a per-person frequency
// cap counted across all senders. Pure; the SQL that gathers the facts is in marketing.service.ts.

/** Quiet hours and the frequency cap (workspace settings `broadcasts.quiet_hours` / `frequency_cap`). */
export interface MarketingPolicy {
  /** Recipient-local quiet hours for marketing ("21:00" to "08:00"); null disables them. */
  quietHours: { start: string; end: string } | null;
  /** At most `max` marketing messages per person per `days`, across every sender; null disables it. */
  frequencyCap: { max: number; days: number } | null;
}

/** Defaults: no marketing 21:00–08:00 in the person's time zone, at most 2 marketing messages per 7 days. */
export const DEFAULT_MARKETING_POLICY: MarketingPolicy = { quietHours: { start: '21:00', end: '08:00' }, frequencyCap: { max: 2, days: 7 } };

/** The marketing policy of validated workspace settings (snake_case; `null` disables a rule, absent keeps the default). */
export function marketingPolicyFrom(settings: Record<string, unknown> | undefined): MarketingPolicy {
  const s = (settings ?? {}) as { quiet_hours?: { start: string; end: string } | null; frequency_cap?: { max: number; days: number } | null };
  const p = structuredClone(DEFAULT_MARKETING_POLICY);
  if (s.quiet_hours === null) p.quietHours = null;
  else if (s.quiet_hours) p.quietHours = { start: s.quiet_hours.start, end: s.quiet_hours.end };
  if (s.frequency_cap === null) p.frequencyCap = null;
  else if (s.frequency_cap) p.frequencyCap = { max: s.frequency_cap.max, days: s.frequency_cap.days };
  return p;
}

/** Minutes since local midnight of an "HH:MM" string. */
export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/** True when a local clock time (minutes since midnight) falls inside quiet hours (which may wrap midnight). */
export function isQuietAt(localMinutes: number, quiet: { start: string; end: string }): boolean {
  const s = minutesOf(quiet.start);
  const e = minutesOf(quiet.end);
  if (s === e) return false;
  return s < e ? localMinutes >= s && localMinutes < e : localMinutes >= s || localMinutes < e;
}

/** What the database says about one person at send time (columns of `marketingFactsSql`). */
export interface MarketingFacts {
  /** The person's local clock, minutes since midnight (null: no quiet hours asked). */
  local_minutes: string | number | null;
  /** When today's and tomorrow's quiet hours end, in the person's zone (ISO text or Date). */
  quiet_end_today: string | Date | null;
  quiet_end_tomorrow: string | Date | null;
  /** Epoch ms of the cap.max-th most recent marketing send in the cap's window (null: under the cap). */
  cap_from_ms: string | number | null;
}

/** Why a marketing message waits, and until when. */
export interface MarketingDeferral {
  until: Date;
  reason: 'deferred: quiet hours' | 'deferred: frequency cap';
}

/** The marketing rule for one person: null when a marketing message may go now, else when it may. */
export function marketingDeferral(f: MarketingFacts, policy: MarketingPolicy): MarketingDeferral | null {
  const quiet = policy.quietHours;
  if (quiet && f.local_minutes !== null && isQuietAt(Number(f.local_minutes), quiet)) {
    // Before midnight the quiet hours end tomorrow morning; after it, this morning.
    const until = Number(f.local_minutes) >= minutesOf(quiet.end) ? f.quiet_end_tomorrow! : f.quiet_end_today!;
    return { until: new Date(until), reason: 'deferred: quiet hours' };
  }
  const cap = policy.frequencyCap;
  // At the cap: the oldest send that counts has to leave the window before one more fits.
  if (cap && f.cap_from_ms !== null) return { until: new Date(Number(f.cap_from_ms) + cap.days * 86_400_000), reason: 'deferred: frequency cap' };
  return null;
}
