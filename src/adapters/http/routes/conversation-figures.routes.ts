import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { figuresOut, figuresQuery, getAgentFigures } from '../../../modules/conversations/index.js';
import { ctxOf, type RequestDeps } from '../request-context.js';

/** Agent figures of the shared inbox: first response and resolution times, conversations handled. */
export function conversationFigureRoutes(app: FastifyInstance, deps: RequestDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/conversations/figures',
    {
      config: { permission: 'contacts:read' },
      schema: {
        tags: ['conversations'],
        summary: 'Agent figures per agent and per day (workspace time zone): first response time, resolution time, conversations handled; agents see only their own',
        querystring: figuresQuery,
        response: { 200: figuresOut },
      },
    },
    (req) => getAgentFigures(ctxOf(req, deps), req.query),
  );
}
