import type { FastifyInstance } from 'fastify';
import type { FeatureDeps } from '../request-context.js';

/** Opt-in sources: hosted forms, click-to-chat links and QR codes (authenticated API). */
export function optinRoutes(_app: FastifyInstance, _deps: FeatureDeps): void {}
