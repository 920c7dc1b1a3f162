import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  cohortsCsvRows,
  cohortsOut,
  cohortsQuery,
  COHORTS_CSV_HEADER,
  getCohorts,
  getLifecycleReport,
  lifecycleCsvRows,
  lifecycleReportOut,
  lifecycleReportQuery,
  LIFECYCLE_CSV_HEADER,
} from '../../../modules/analytics/index.js';
import { ctxOf, type RequestDeps } from '../request-context.js';
import { sendCsvRows } from './analytics-growth.routes.js';

const tags = ['analytics'];
const read = { permission: 'contacts:read' as const };


/** Lifecycle stage distribution per day from the daily snapshot (JSON and CSV). */
export function analyticsLifecycleRoutes(app: FastifyInstance, deps: RequestDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/analytics/lifecycle',
    { config: read, schema: { tags, summary: 'Contacts per lifecycle stage per day (workspace time zone), from the daily snapshot', querystring: lifecycleReportQuery, response: { 200: lifecycleReportOut } } },
    (req) => getLifecycleReport(ctxOf(req, deps), req.query),
  );
  r.get(
    '/api/v1/analytics/lifecycle.csv',
    { config: read, schema: { tags, summary: 'The lifecycle stage distribution as CSV: one row per day, one column per stage', querystring: lifecycleReportQuery, produces: ['text/csv'] } },
    async (req, reply) => sendCsvRows(reply, 'lifecycle-stages.csv', LIFECYCLE_CSV_HEADER, lifecycleCsvRows(ctxOf(req, deps), req.query)),
  );
}

/** Engagement cohorts by opt-in month: the share still reading or replying 1, 3 and 6 months later (JSON and CSV). */
export function analyticsCohortsRoutes(app: FastifyInstance, deps: RequestDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/analytics/cohorts',
    { config: read, schema: { tags, summary: 'Contacts by opt-in month and the share who read or replied 1, 3 and 6 months later', querystring: cohortsQuery, response: { 200: cohortsOut } } },
    (req) => getCohorts(ctxOf(req, deps), req.query),
  );
  r.get(
    '/api/v1/analytics/cohorts.csv',
    { config: read, schema: { tags, summary: 'The engagement cohorts as CSV: one row per opt-in month', querystring: cohortsQuery, produces: ['text/csv'] } },
    async (req, reply) => sendCsvRows(reply, 'engagement-cohorts.csv', COHORTS_CSV_HEADER, cohortsCsvRows(ctxOf(req, deps), req.query)),
  );
}
