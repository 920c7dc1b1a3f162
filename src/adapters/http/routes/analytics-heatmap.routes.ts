import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { getHeatmap, heatmapCsvRows, heatmapOut, heatmapQuery, HEATMAP_CSV_HEADER } from '../../../modules/analytics/index.js';
import { ctxOf, type RequestDeps } from '../request-context.js';
import { sendCsvRows } from './analytics-growth.routes.js';

const tags = ['analytics'];
const read = { permission: 'contacts:read' as const };

/** Best send time: read and reply rates by the recipient's local weekday × hour (JSON and CSV). */
export function analyticsHeatmapRoutes(app: FastifyInstance, deps: RequestDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/analytics/engagement-heatmap',
    {
      config: read,
      schema: {
        tags,
        summary: "Read and reply rates of broadcast and automation sends by the recipient's local weekday × hour, with each weekday's best hour",
        querystring: heatmapQuery,
        response: { 200: heatmapOut },
      },
    },
    (req) => getHeatmap(ctxOf(req, deps), req.query),
  );
  r.get(
    '/api/v1/analytics/engagement-heatmap.csv',
    { config: read, schema: { tags, summary: 'The engagement heatmap as CSV: one row per weekday × hour (168), with counts and rates', querystring: heatmapQuery, produces: ['text/csv'] } },
    async (req, reply) => {
      const rows = heatmapCsvRows(ctxOf(req, deps), req.query);
      return sendCsvRows(reply, 'engagement-heatmap.csv', HEATMAP_CSV_HEADER, rows);
    },
  );
}
