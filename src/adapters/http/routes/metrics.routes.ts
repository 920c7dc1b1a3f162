import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../../lib/errors.js';
import type { Metrics } from '../../metrics/metrics.js';

/** True when `header` is `Bearer <token>`; compared in constant time (digests, so the length leaks nothing either). */
export function metricsTokenMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '';
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(token)) && given.length > 0;
}

/**
 * GET /metrics (Prometheus text format), registered only when GREENLIST_METRICS_TOKEN is set:
 * otherwise the route does not exist and answers 404 like any unknown path.
 */
export function metricsRoutes(app: FastifyInstance, metrics: Metrics, token: string): void {
  app.get('/metrics', { config: { public: true }, logLevel: 'warn', schema: { hide: true } }, async (req, reply) => {
    const header = req.headers.authorization;
    if (!header) throw new AppError('AUTH_REQUIRED', 'send the metrics token as "Authorization: Bearer <GREENLIST_METRICS_TOKEN>"');
    if (!metricsTokenMatches(header, token)) throw new AppError('AUTH_INVALID', 'the metrics token is not GREENLIST_METRICS_TOKEN');
    const { contentType, body } = await metrics.scrape();
    return reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
  });
}
