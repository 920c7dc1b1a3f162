// Lifecycle over time and engagement cohorts through the public API (/api/v1/analytics/lifecycle, /cohorts).
import { gl, query, unwrap } from './api-client';
import type { ResponseOf } from './api-schema';
import type { DayRange } from './analytics-api';

/** Contacts per lifecycle stage per day, from the daily snapshot. */
export type LifecycleReport = ResponseOf<'/api/v1/analytics/lifecycle', 'get'>;
/** One lifecycle stage. */
export type LifecycleStageName = LifecycleReport['stages'][number];
/** Opt-in cohorts and the share still engaged 1, 3 and 6 months later. */
export type CohortsReport = ResponseOf<'/api/v1/analytics/cohorts', 'get'>;
/** One opt-in month's cohort. */
export type Cohort = CohortsReport['cohorts'][number];

const rangeQuery = (r: DayRange) => query({ from: r.from, to: r.to });

/** The stage distribution per day over a range of days (workspace time zone). */
export const getLifecycleReport = (r: DayRange) => unwrap(gl.GET('/api/v1/analytics/lifecycle', { params: { query: { from: r.from, to: r.to } } }));
/** Where the browser downloads the stage distribution as CSV. */
export const lifecycleCsvUrl = (r: DayRange) => `/api/v1/analytics/lifecycle.csv${rangeQuery(r)}`;
/** The cohorts of the last `months` opt-in months. */
export const getCohorts = (months: number) => unwrap(gl.GET('/api/v1/analytics/cohorts', { params: { query: { months } } }));
/** Where the browser downloads the cohorts as CSV. */
export const cohortsCsvUrl = (months: number) => `/api/v1/analytics/cohorts.csv${query({ months })}`;
