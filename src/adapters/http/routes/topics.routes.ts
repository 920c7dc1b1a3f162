import type { FastifyInstance } from 'fastify';
import type { FeatureDeps } from '../request-context.js';

/** Topics people subscribe to. */
export function topicRoutes(_app: FastifyInstance, _deps: FeatureDeps): void {}
