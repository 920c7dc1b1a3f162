// Broadcast funnels per template, segment or opt-in source through the public API (/api/v1/analytics/*).
import { gl, query, unwrap } from './api-client';
import type { ResponseOf } from './api-schema';
import type { DayRange } from './analytics-api';

/** Broadcast funnels summed per group over a range of days. */
export type BreakdownReport = ResponseOf<'/api/v1/analytics/templates', 'get'>;
/** One group's funnel and rates (fractions of `sent`, null when nothing was sent). */
export type BreakdownGroup = BreakdownReport['groups'][number];
/** What the funnels are grouped by: the API path of each breakdown. */
export type BreakdownPath = 'templates' | 'segments' | 'optin-sources';

/** The funnels of the range's broadcasts grouped by template, segment or opt-in source. */
export const getBreakdown = (path: BreakdownPath, r: DayRange): Promise<BreakdownReport> =>
  unwrap(gl.GET(`/api/v1/analytics/${path}`, { params: { query: { from: r.from, to: r.to } } }));
/** Where the browser downloads a breakdown as CSV. */
export const breakdownCsvUrl = (path: BreakdownPath, r: DayRange) => `/api/v1/analytics/${path}.csv${query({ from: r.from, to: r.to })}`;
