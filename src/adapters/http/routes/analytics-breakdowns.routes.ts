import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { breakdownCsvRows, breakdownOut, breakdownQuery, BREAKDOWN_CSV_HEADER, getBreakdown, type Breakdown } from '../../../modules/analytics/index.js';
import { ctxOf, type RequestDeps } from '../request-context.js';
import { sendCsvRows } from './analytics-growth.routes.js';

const tags = ['analytics'];
const read = { permission: 'contacts:read' as const };

const ROUTES: { path: string; by: Breakdown; summary: string }[] = [
  { path: 'templates', by: 'template', summary: 'Broadcast funnels summed per template (name and language) over the broadcasts started in a period' },
  { path: 'segments', by: 'segment', summary: "Broadcast funnels summed per audience segment ('Custom rules' for rules-only audiences) over a period" },
  { path: 'optin-sources', by: 'optin_source', summary: "Broadcast recipients' funnels grouped by the opt-in source each person first joined through, over a period" },
];

/** Funnel breakdowns per template, segment and opt-in source (JSON and CSV). */
export function analyticsBreakdownRoutes(app: FastifyInstance, deps: RequestDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  for (const { path, by, summary } of ROUTES) {
    r.get(`/api/v1/analytics/${path}`, { config: read, schema: { tags, summary, querystring: breakdownQuery, response: { 200: breakdownOut } } }, (req) => getBreakdown(ctxOf(req, deps), by, req.query));
    r.get(`/api/v1/analytics/${path}.csv`, { config: read, schema: { tags, summary: `${summary}, as CSV`, querystring: breakdownQuery, produces: ['text/csv'] } }, async (req, reply) => {
      return sendCsvRows(reply, `funnels-by-${by.replace('_', '-')}.csv`, BREAKDOWN_CSV_HEADER, breakdownCsvRows(ctxOf(req, deps), by, req.query));
    });
  }
}
