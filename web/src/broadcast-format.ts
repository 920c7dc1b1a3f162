// How broadcasts read in the UI: statuses, schedules, audiences, variable sources, money.
import type { Segment } from './api-client';
import type { BestHourChoice, Broadcast, BroadcastCounts, Schedule } from './broadcasts-api';
import { formatTime } from './format';
import type { ContactFieldName, VariableSource } from './templates-api';

/** Rules older drafts used for "all contacts" before the API had `all_contacts: true`. */
const OLD_ALL_CONTACTS_RULES = { field: 'phone', op: 'exists' } as const;

/** True for the "all contacts" audience (consent to the topic still decides who gets it). */
export function isAllContacts(a: { all_contacts?: true; rules?: Record<string, unknown> }): boolean {
  if (a.all_contacts) return true;
  const r = a.rules;
  return !!r && r.field === OLD_ALL_CONTACTS_RULES.field && r.op === OLD_ALL_CONTACTS_RULES.op && r.value === undefined;
}

/** Why a matched contact was left out or skipped, in words (the API's reason codes). */
const REASONS: Record<string, string> = {
  excluded: 'left out by an exclusion',
  no_consent: 'no consent to the topic',
  consent_withdrawn: 'consent withdrawn',
  unreachable: 'unreachable (not on WhatsApp)',
};

/** A recipient reason for people: the known codes in words, anything else as the API said it. */
export const reasonLabel = (reason: string): string => REASONS[reason] ?? reason;

/** Statuses in which a broadcast still changes on its own (the view polls them). */
export const LIVE_STATUSES: readonly string[] = ['sending', 'scheduled'];

/** Contact fields a variable can take its value from, with their labels. */
export const CONTACT_FIELDS = [
  { key: 'first_name', label: 'first name' },
  { key: 'name', label: 'name' },
  { key: 'profile_name', label: 'WhatsApp profile name' },
  { key: 'phone', label: 'phone' },
  { key: 'country', label: 'country' },
  { key: 'language', label: 'language' },
] as const satisfies readonly { key: ContactFieldName; label: string }[];

/** "body.1 ← first name (fallback “there”)". */
export function describeSource(source: VariableSource): string {
  const fallback = 'fallback' in source && source.fallback !== undefined ? ` (fallback “${source.fallback}”)` : ' (no fallback: skipped when empty)';
  if ('field' in source) return `contact ${CONTACT_FIELDS.find((f) => f.key === source.field)?.label ?? source.field}${fallback}`;
  if ('attribute' in source) return `attribute ${source.attribute}${fallback}`;
  if ('value' in source) return `“${source.value}”`;
  return `tracked link ${source.tracked_link + 1}`;
}

/** When the broadcast goes out, in words. */
export function describeSchedule(s: Schedule, startAt?: string | null): string {
  if (s.type === 'now') return 'As soon as it is started';
  if (s.type === 'at') return `At ${formatTime(startAt ?? s.at)}`;
  if (s.type === 'best_hour') return `On ${s.date} at the best send time's hour for that weekday, in each recipient's time zone${s.fallback_timezone ? ` (${s.fallback_timezone} when unknown)` : ''}`;
  return `On ${s.date} at ${s.time} in each recipient's time zone${s.fallback_timezone ? ` (${s.fallback_timezone} when unknown)` : ''}`;
}

const WEEKDAY_NAMES = ['Mondays', 'Tuesdays', 'Wednesdays', 'Thursdays', 'Fridays', 'Saturdays', 'Sundays'];

/** "19:00 in each recipient's zone: the best hour on Fridays (43% read of 120 sends)". */
export function describeBestHour(c: BestHourChoice): string {
  const day = WEEKDAY_NAMES[c.weekday] ?? 'that weekday';
  if (c.source === 'fallback') return `${c.time} in each recipient's zone: too little history on ${day} to pick an hour, so the fallback time`;
  const rate = c.read_rate === null ? '' : ` (${Math.round(c.read_rate * 100)}% read of ${c.sent} sends${c.source === 'segment' ? ' in the audience segment' : ''})`;
  return `${c.time} in each recipient's zone: the best hour on ${day}${rate}`;
}

/** Who the broadcast is for, in words. */
export function describeAudience(b: Pick<Broadcast, 'audience' | 'topic'>, segments: Segment[]): string {
  const name = (id: string) => `segment “${segments.find((s) => s.id === id)?.name ?? id}”`;
  const a = b.audience;
  const base = a.segment_id ? name(a.segment_id) : isAllContacts(a) ? 'all contacts' : 'contacts matching rules';
  const excluded = (a.exclude ?? []).map((p) => ('segment_id' in p ? name(p.segment_id) : 'rules'));
  return `${base} with consent to “${b.topic ?? '?'}”${excluded.length ? `, leaving out ${excluded.join(', ')}` : ''}`;
}

/** Recipients no longer waiting or in flight: sent, failed, skipped or cancelled. */
export function doneCount(c: BroadcastCounts): number {
  return Math.max(0, c.planned - c.queued - c.sending - c.uncertain);
}

/** A whole number as people read it (1,234). */
export const formatCount = (n: number): string => n.toLocaleString('en');

/** An amount of money in its currency ("$0.67"); a plain number when the currency is unknown. */
export function formatMoney(amount: number, currency: string, digits = 2): string {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: Math.max(digits, 4) }).format(amount);
  } catch {
    return `${amount} ${currency}`;
  }
}

/** "sending" → "Sending". */
export const statusLabel = (s: string): string => (s ? s[0]!.toUpperCase() + s.slice(1).replaceAll('_', ' ') : s);

/** Revenue per currency in one line ("€21.00 · $5.00"), never added across currencies; "—" when none. */
export function formatRevenue(revenue: { currency: string; amount: number }[]): string {
  return revenue.length === 0 ? '—' : revenue.map((r) => formatMoney(r.amount, r.currency)).join(' · ');
}
