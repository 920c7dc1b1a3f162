import type { FastifyInstance } from 'fastify';
import type { FeatureDeps } from '../request-context.js';

/** The public, hosted opt-in pages at /join/<slug> (no API key). */
export async function joinRoutes(_app: FastifyInstance, _deps: FeatureDeps): Promise<void> {}
