// Calendar-day arithmetic for segment rules, in the workspace's IANA time zone (Luxon: DST-safe).
import { DateTime } from 'luxon';

/** Today's date (YYYY-MM-DD) in the zone. */
export function todayIn(zone: string, now: Date): string {
  return DateTime.fromJSDate(now, { zone }).toISODate() ?? now.toISOString().slice(0, 10);
}

/** The date `n` days after `date` (negative n goes back). */
export function addDays(date: string, n: number): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).plus({ days: n }).toISODate() as string;
}

/** The instant local midnight starts `date` in the zone (a DST day may start at 01:00). */
export function localMidnight(date: string, zone: string): Date {
  return DateTime.fromISO(date, { zone }).startOf('day').toJSDate();
}

/** True when the IANA zone name is one Luxon (and so the ICU data) knows. */
export function isKnownZone(zone: string): boolean {
  return DateTime.local().setZone(zone).isValid;
}

/**
 * The month-day keys ('MM-DD') of today and the next `n` days. Someone born on 29 February
 * celebrates on 28 February in non-leap years, so that key is added when the window holds a
 * non-leap 28 February.
 */
export function anniversaryKeys(today: string, n: number): string[] {
  const keys = new Set<string>();
  for (let i = 0; i <= n; i += 1) {
    const d = DateTime.fromISO(addDays(today, i), { zone: 'UTC' });
    keys.add(d.toFormat('MM-dd'));
    if (d.month === 2 && d.day === 28 && !d.isInLeapYear) keys.add('02-29');
  }
  return [...keys];
}
