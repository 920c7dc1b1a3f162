import type { FastifyInstance } from 'fastify';
import { AppError } from '../../../lib/errors.js';

/** Liveness and readiness probes. */
export function healthRoutes(app: FastifyInstance, ping: () => Promise<void>): void {
  app.get('/healthz', { config: { public: true }, logLevel: 'warn', schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { public: true }, logLevel: 'warn', schema: { hide: true } }, async () => {
    try {
      await Promise.race([ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref())]);
    } catch {
      throw new AppError('DATABASE_UNAVAILABLE', 'the database is not answering', undefined, true);
    }
    return { status: 'ready' };
  });
}
