// The composer's schedule choice and its API shape.
import type { Schedule } from './broadcasts-api';

export interface ScheduleDraft {
  type: Schedule['type'];
  /** `datetime-local` value, in the viewer's zone. */
  at: string;
  date: string;
  time: string;
  fallbackZone: string;
  /** Best hour: the local time to use when no hour has enough sends ('' for the default 10:00). */
  fallbackTime?: string;
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
  const late = d.sendLate ? { send_late: true } : {};
  const zone = d.fallbackZone.trim() ? { fallback_timezone: d.fallbackZone.trim() } : {};
  if (d.type === 'best_hour') {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d.date)) return { problem: 'pick the date to send on' };
    return { schedule: { type: 'best_hour', date: d.date, ...(d.fallbackTime ? { fallback_time: d.fallbackTime } : {}), ...zone, ...late } };
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d.date) || !/^\d{2}:\d{2}$/.test(d.time)) return { problem: "pick the date and the time in each recipient's zone" };
  return { schedule: { type: 'local', date: d.date, time: d.time, ...zone, ...late } };
}
