// How the Overview reads: counts with thousands separators, rates as percentages, days and times in the workspace's zone.
import type { DayRange } from './analytics-api';

const counts = new Intl.NumberFormat(undefined);
const percents = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });

/** 12345 → "12,345" (in the viewer's locale). */
export const formatCount = (n: number): string => counts.format(n);

/** A signed difference: "+12", "−3", "0". */
export const formatNet = (n: number): string => (n > 0 ? `+${counts.format(n)}` : n < 0 ? `−${counts.format(-n)}` : '0');

/** A fraction as a percentage ("93.5%"); a dash when there is nothing to divide by. */
export const formatRate = (f: number | null): string => (f === null ? '—' : percents.format(f));

/** Today's date (YYYY-MM-DD) in `timeZone`. */
export function todayIn(timeZone: string, now = new Date()): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** Adds `n` days to a YYYY-MM-DD date (calendar arithmetic, no zone involved). */
export function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The last `days` days up to today in `timeZone`, today included. */
export const lastDays = (days: number, timeZone: string, now = new Date()): DayRange => {
  const to = todayIn(timeZone, now);
  return { from: addDays(to, -(days - 1)), to };
};

/** A calendar day as people read it ("7 Dec"; with the year: "7 Dec 2026"). */
export function formatDay(date: string, withYear = false): string {
  const d = new Date(`${date}T12:00:00Z`);
  if (Number.isNaN(d.getTime())) return date;
  return d.toLocaleDateString(undefined, { timeZone: 'UTC', day: 'numeric', month: 'short', ...(withYear ? { year: 'numeric' } : {}) });
}

/** An instant in the workspace's zone ("7 Dec 2026, 14:05"), or a dash. */
export function formatInstant(iso: string | null, timeZone: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { timeZone, day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}
