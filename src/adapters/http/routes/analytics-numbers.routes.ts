import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { numberHealthHistory, numberHealthOut } from '../../../modules/numbers/index.js';
import { ctxOf, type RequestDeps } from '../request-context.js';

// How far back the history goes.
const HISTORY_DAYS = 90;

/** Quality rating and messaging-tier history per number (the dashboard's tier/quality panel). */
export function analyticsNumberRoutes(app: FastifyInstance, deps: RequestDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/analytics/numbers',
    {
      config: { permission: 'workspace:read' },
      schema: {
        tags: ['analytics'],
        summary: "Each connected number's quality rating and messaging tier now, with their changes over the last 90 days (oldest first)",
        response: { 200: numberHealthOut },
      },
    },
    async (req) => {
      const ctx = ctxOf(req, deps);
      const since = new Date(ctx.now.getTime() - HISTORY_DAYS * 86_400_000);
      return { data: await numberHealthHistory(ctx, since) };
    },
  );
}
