// Business hours and auto-replies through the public API (/api/v1/business-hours, /api/v1/auto-replies).
import { ApiError, gl, unwrap } from './api-client';
import type { BodyOf, ResponseOf } from './api-schema';

/** The business calendar as stored, with the zone in effect and whether it is open now. */
export type BusinessHours = ResponseOf<'/api/v1/business-hours', 'get'>;
/** What replaces the business calendar. */
export type BusinessHoursBody = BodyOf<'/api/v1/business-hours', 'put'>;
/** The auto-replies as stored. */
export type AutoReplies = ResponseOf<'/api/v1/auto-replies', 'get'>;
/** What replaces the auto-replies. */
export type AutoRepliesBody = BodyOf<'/api/v1/auto-replies', 'put'>;
/** One opening interval, local "HH:MM". */
export type Interval = { start: string; end: string };

/** The weekdays, Monday first, with their labels. */
export const WEEKDAYS = [
  ['mon', 'Monday'],
  ['tue', 'Tuesday'],
  ['wed', 'Wednesday'],
  ['thu', 'Thursday'],
  ['fri', 'Friday'],
  ['sat', 'Saturday'],
  ['sun', 'Sunday'],
] as const;

/** The business calendar. */
export const getBusinessHours = () => unwrap(gl.GET('/api/v1/business-hours'));
/** Replaces the business calendar (422 names the field at fault). */
export const putBusinessHours = (body: BusinessHoursBody) => unwrap(gl.PUT('/api/v1/business-hours', { body }));
/** The auto-replies. */
export const getAutoReplies = () => unwrap(gl.GET('/api/v1/auto-replies'));
/** Replaces the auto-replies (422 names the field at fault). */
export const putAutoReplies = (body: AutoRepliesBody) => unwrap(gl.PUT('/api/v1/auto-replies', { body }));

/** "09:00-13:00, 14:00-18:00" as intervals (the server checks the times). */
export function parseIntervals(text: string): Interval[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [start = '', end = ''] = part.split(/\s*[-–]\s*/);
      return { start: start.trim(), end: end.trim() };
    });
}

/** Intervals as "09:00-13:00, 14:00-18:00". */
export function formatIntervals(list: readonly Interval[] | undefined): string {
  return (list ?? []).map((i) => `${i.start}-${i.end}`).join(', ');
}

/** One line per holiday: "2026-12-25 Christmas" (closed) or "2026-12-24 09:00-12:00 Christmas Eve". */
export function parseHolidays(text: string): { date: string; name?: string; hours?: Interval[] }[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const [date = '', ...rest] = line.split(/\s+/);
      const hours: Interval[] = [];
      while (rest[0] && /^\d{1,2}:\d{2}\s*[-–]\s*\d{1,2}:\d{2},?$/.test(rest[0])) hours.push(...parseIntervals(rest.shift()!.replace(/,$/, '')));
      const name = rest.join(' ').trim();
      return { date, ...(name ? { name } : {}), ...(hours.length ? { hours } : {}) };
    });
}

/** Holidays as the lines `parseHolidays` reads. */
export function formatHolidays(list: BusinessHours['holidays']): string {
  return list.map((h) => [h.date, h.hours?.length ? formatIntervals(h.hours).replace(/, /g, ' ') : '', h.name ?? ''].filter(Boolean).join(' ')).join('\n');
}

/** The problems of a failed save, as "field: message" lines (a 422 lists each field). */
export function problemsOf(err: unknown): string[] {
  if (err instanceof ApiError) {
    const fields = (err.details as { fields?: { field: string; message: string }[] }).fields;
    if (fields?.length) return fields.map((f) => `${f.field}: ${f.message}`);
  }
  return [err instanceof Error ? err.message : String(err)];
}
