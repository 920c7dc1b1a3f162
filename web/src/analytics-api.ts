// Analytics through the public API (/api/v1/analytics/*): typed by hand (written beside the endpoints), checked against the generated schema at the end of the file.
import { apiRequest, query } from './api-client';
import type { ResponseOf } from './api-schema';

/** How the growth report groups its rows. */
export type GrowthGroupBy = 'source' | 'topic' | 'number';
/** Opt-ins, opt-outs and their difference. */
export interface GrowthFigures {
  opt_ins: number;
  opt_outs: number;
  net: number;
}
/** List growth per day (workspace time zone) and per group over a range of days. */
export interface GrowthReport {
  timezone: string;
  from: string;
  to: string;
  by: GrowthGroupBy;
  days: (GrowthFigures & { date: string })[];
  groups: (GrowthFigures & { key: string; label: string })[];
  totals: GrowthFigures;
}
/** What was sent last before someone opted out (within 72 h), or `none`. */
export interface OptOutPreceding {
  kind: 'broadcast' | 'automation' | 'none';
  id: string | null;
  name: string | null;
  step_id: string | null;
  count: number;
}
/** Opt-outs over a range: why, and after what. */
export interface OptOutReport {
  from: string;
  to: string;
  total: number;
  reasons: { reason: string; count: number }[];
  preceding: OptOutPreceding[];
}
/** A broadcast's recipients at each step of the funnel. */
export interface BroadcastFunnel {
  planned: number;
  skipped: number;
  sent: number;
  delivered: number;
  read: number;
  replied: number;
  clicked: number;
  opted_out: number;
  failed: number;
}
/** Funnel steps as fractions of `sent` (null when nothing was sent). */
export interface BroadcastRates {
  delivered: number | null;
  read: number | null;
  replied: number | null;
  clicked: number | null;
  opted_out: number | null;
}
/** One broadcast with its funnel. */
export interface BroadcastFunnelRow {
  id: string;
  name: string;
  status: string;
  template_name: string;
  started_at: string | null;
  finished_at: string | null;
  funnel: BroadcastFunnel;
  rates: BroadcastRates;
}
/** A number's quality rating and messaging tier at one moment. */
export interface NumberHealthPoint {
  at: string;
  quality_rating: string;
  messaging_tier: string;
}
/** A number now, and how its quality and tier changed. */
export interface NumberHealth {
  id: string;
  display_number: string;
  quality_rating: string;
  messaging_tier: string;
  history: NumberHealthPoint[];
}
/** A range of days (YYYY-MM-DD, both included, workspace time zone). */
export interface DayRange {
  from: string;
  to: string;
}

const growthQuery = (r: DayRange, by: GrowthGroupBy) => query({ from: r.from, to: r.to, by });
const rangeQuery = (r: DayRange) => query({ from: r.from, to: r.to });

/** Opt-ins, opt-outs and net growth per day and per source, topic or number. */
export const getGrowth = (r: DayRange, by: GrowthGroupBy) => apiRequest<GrowthReport>('GET', `/analytics/growth${growthQuery(r, by)}`);
/** Opt-out reasons and what came before each opt-out. */
export const getOptOuts = (r: DayRange) => apiRequest<OptOutReport>('GET', `/analytics/opt-outs${rangeQuery(r)}`);
/** The latest broadcasts of a range with their funnels. */
export const getBroadcastFunnels = (r: DayRange, limit = 20) =>
  apiRequest<{ data: BroadcastFunnelRow[] }>('GET', `/analytics/broadcasts${query({ from: r.from, to: r.to, limit })}`);
/** Every number's quality rating and tier, with their history. */
export const getNumbersHealth = () => apiRequest<{ data: NumberHealth[] }>('GET', '/analytics/numbers');

/** Where the browser downloads the growth report as CSV. */
export const growthCsvUrl = (r: DayRange, by: GrowthGroupBy) => `/api/v1/analytics/growth.csv${growthQuery(r, by)}`;
/** Where the browser downloads the opt-out report as CSV. */
export const optOutsCsvUrl = (r: DayRange) => `/api/v1/analytics/opt-outs.csv${rangeQuery(r)}`;
/** Where the browser downloads the broadcasts' funnels as CSV. */
export const broadcastsCsvUrl = (r: DayRange) => `/api/v1/analytics/broadcasts.csv${rangeQuery(r)}`;
/** Where the browser downloads one broadcast's recipients (the funnel per person) as CSV. */
export const broadcastRecipientsCsvUrl = (id: string) => `/api/v1/broadcasts/${encodeURIComponent(id)}/recipients.csv`;

// The hand-written types above must accept what the API's schema says it answers (checked when the endpoint is in the generated schema).
const _numbersMatch: ResponseOf<'/api/v1/analytics/numbers', 'get'> extends { data: NumberHealth[] } ? true : never = true;
const _growthMatch: ResponseOf<'/api/v1/analytics/growth', 'get'> extends GrowthReport ? true : never = true;
const _optOutsMatch: ResponseOf<'/api/v1/analytics/opt-outs', 'get'> extends OptOutReport ? true : never = true;
const _broadcastsMatch: ResponseOf<'/api/v1/analytics/broadcasts', 'get'> extends { data: BroadcastFunnelRow[] } ? true : never = true;
