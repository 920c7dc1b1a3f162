import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { costCsvRows, costOut, costQuery, COST_CSV_HEADER, getCost } from '../../../modules/analytics/index.js';
import { ctxOf, type RequestDeps } from '../request-context.js';
import { csvOf, sendCsv } from './analytics-growth.routes.js';

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
      // The first row is read before answering, so a bad period is a 4xx, not a broken download.
      const first = await rows.next();
      async function* all() {
        if (!first.done) yield first.value;
        yield* rows;
      }
      return sendCsv(reply, 'cost.csv', csvOf(COST_CSV_HEADER, all()));
    },
  );
}
