import type { FastifyInstance } from 'fastify';
import type { FeatureDeps } from '../request-context.js';

/** CSV imports and exports of contacts and suppression lists. */
export function importRoutes(_app: FastifyInstance, _deps: FeatureDeps): void {}
