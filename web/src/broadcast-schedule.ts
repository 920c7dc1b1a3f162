// The composer's schedule choice and its API shape.
import type { Schedule } from './broadcasts-api';

export interface ScheduleDraft {
  type: Schedule['type'];
  /** `datetime-local` value, in the viewer's zone. */
  at: string;
  date: string;
  time: string;
  fallbackZone: string;
  /** Send at once to recipients whose local time has already passed (otherwise starting is refused). */
  sendLate?: boolean;
}

export const NOW_DRAFT: ScheduleDraft = { type: 'now', at: '', date: '', time: '', fallbackZone: '' };

/** The API schedule, or the problem with the draft. */
export function scheduleOf(d: ScheduleDraft): { schedule: Schedule } | { problem: string } {
  if (d.type === 'now') return { schedule: { type: 'now' } };
  if (d.type === 'at') {
    const when = new Date(d.at);
    if (!d.at || Number.isNaN(when.getTime())) return { problem: 'pick the date and time to send at' };
    return { schedule: { type: 'at', at: when.toISOString() } };
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d.date) || !/^\d{2}:\d{2}$/.test(d.time)) return { problem: "pick the date and the time in each recipient's zone" };
  return { schedule: { type: 'local', date: d.date, time: d.time, ...(d.fallbackZone.trim() ? { fallback_timezone: d.fallbackZone.trim() } : {}), ...(d.sendLate ? { send_late: true } : {}) } };
}
