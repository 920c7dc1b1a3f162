import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { costCsvRows, costOut, costQuery, COST_CSV_HEADER, getCost } from '../../../modules/analytics/index.js';
import { ctxOf, type RequestDeps } from '../request-context.js';
import { sendCsvRows } from './analytics-growth.routes.js';

const tags = ['analytics'];
const read = { permission: 'contacts:read' as const };

/** What messages cost: the estimate against Meta's pricing, per month, country and category (JSON and CSV). */
export function analyticsCostRoutes(app: FastifyInstance, deps: RequestDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/analytics/cost',
    { config: read, schema: { tags, summary: "What messages cost per month (UTC), country and category: the estimate against the pricing in Meta's status webhooks", querystring: costQuery, response: { 200: costOut } } },
    (req) => getCost(ctxOf(req, deps), req.query),
  );
  r.get(
    '/api/v1/analytics/cost.csv',
    { config: read, schema: { tags, summary: 'The cost report as CSV: one row per month, country and category', querystring: costQuery, produces: ['text/csv'] } },
    async (req, reply) => {
      const rows = costCsvRows(ctxOf(req, deps), req.query);
      return sendCsvRows(reply, 'cost.csv', COST_CSV_HEADER, rows);
    },
  );
}
