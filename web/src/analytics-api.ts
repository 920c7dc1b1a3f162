// Analytics through the public API (/api/v1/analytics/*), typed by the generated OpenAPI schema.
import { gl, query, unwrap } from './api-client';
import type { ItemOf, ResponseOf } from './api-schema';

/** List growth per day (workspace time zone) and per group over a range of days. */
export type GrowthReport = ResponseOf<'/api/v1/analytics/growth', 'get'>;
/** How the growth report groups its rows. */
export type GrowthGroupBy = GrowthReport['by'];
/** Opt-outs over a range: why, and after what. */
export type OptOutReport = ResponseOf<'/api/v1/analytics/opt-outs', 'get'>;
/** What was sent last before someone opted out (within 72 h), or `none`. */
export type OptOutPreceding = OptOutReport['preceding'][number];
/** One broadcast with its funnel and rates (fractions of `sent`, null when nothing was sent). */
export type BroadcastFunnelRow = ItemOf<ResponseOf<'/api/v1/analytics/broadcasts', 'get'>>;
/** A number now, and how its quality and tier changed. */
export type NumberHealth = ItemOf<ResponseOf<'/api/v1/analytics/numbers', 'get'>>;
/** A range of days (YYYY-MM-DD, both included, workspace time zone). */
export interface DayRange {
  from: string;
  to: string;
}

const growthQuery = (r: DayRange, by: GrowthGroupBy) => query({ from: r.from, to: r.to, by });
const rangeQuery = (r: DayRange) => query({ from: r.from, to: r.to });

/** Opt-ins, opt-outs and net growth per day and per source, topic or number. */
export const getGrowth = (r: DayRange, by: GrowthGroupBy) => unwrap(gl.GET('/api/v1/analytics/growth', { params: { query: { from: r.from, to: r.to, by } } }));
/** Opt-out reasons and what came before each opt-out. */
export const getOptOuts = (r: DayRange) => unwrap(gl.GET('/api/v1/analytics/opt-outs', { params: { query: { from: r.from, to: r.to } } }));
/** The latest broadcasts of a range with their funnels. */
export const getBroadcastFunnels = (r: DayRange, limit = 20) =>
  unwrap(gl.GET('/api/v1/analytics/broadcasts', { params: { query: { from: r.from, to: r.to, limit } } }));
/** Every number's quality rating and tier, with their history. */
export const getNumbersHealth = () => unwrap(gl.GET('/api/v1/analytics/numbers'));

/** Where the browser downloads the growth report as CSV. */
export const growthCsvUrl = (r: DayRange, by: GrowthGroupBy) => `/api/v1/analytics/growth.csv${growthQuery(r, by)}`;
/** Where the browser downloads the opt-out report as CSV. */
export const optOutsCsvUrl = (r: DayRange) => `/api/v1/analytics/opt-outs.csv${rangeQuery(r)}`;
/** Where the browser downloads the broadcasts' funnels as CSV. */
export const broadcastsCsvUrl = (r: DayRange) => `/api/v1/analytics/broadcasts.csv${rangeQuery(r)}`;
/** Where the browser downloads one broadcast's recipients (the funnel per person) as CSV. */
export const broadcastRecipientsCsvUrl = (id: string) => `/api/v1/broadcasts/${encodeURIComponent(id)}/recipients.csv`;

/** Read and reply rates by the recipient's local weekday × hour, and each weekday's best hour. */
export type EngagementHeatmap = ResponseOf<'/api/v1/analytics/engagement-heatmap', 'get'>;
/** One weekday × hour cell of the heatmap. */
export type HeatmapCell = EngagementHeatmap['cells'][number];
const heatmapQuery = (r: DayRange, segmentId: string) => query({ from: r.from, to: r.to, segment_id: segmentId || undefined });
/** The engagement heatmap over a range of days (the sends' days, workspace time zone), optionally for a segment ('' for everyone). */
export const getEngagementHeatmap = (r: DayRange, segmentId = '') =>
  unwrap(gl.GET('/api/v1/analytics/engagement-heatmap', { params: { query: { from: r.from, to: r.to, segment_id: segmentId || undefined } } }));
/** Where the browser downloads the engagement heatmap as CSV. */
export const heatmapCsvUrl = (r: DayRange, segmentId = '') => `/api/v1/analytics/engagement-heatmap.csv${heatmapQuery(r, segmentId)}`;

/** What messages cost per month, country and category: the estimate against Meta's pricing. */
export type CostReport = ResponseOf<'/api/v1/analytics/cost', 'get'>;
/** The cost report of the last three months (UTC, as Meta bills). */
export const getCost = () => unwrap(gl.GET('/api/v1/analytics/cost'));
/** Where the browser downloads the cost report of the last three months as CSV. */
export const costCsvUrl = '/api/v1/analytics/cost.csv';
