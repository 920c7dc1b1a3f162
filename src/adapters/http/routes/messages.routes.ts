import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../../lib/errors.js';
import { assertContact } from '../../../modules/contacts/index.js';
import { listContactMessages } from '../../../modules/messaging/index.js';
import { ctxOf, type RequestDeps } from '../request-context.js';
import { idParams, isUuid, pageOf, pageQuery } from '../schemas.js';

const messageOut = z.object({
  id: z.string(),
  direction: z.enum(['in', 'out']),
  type: z.string(),
  text: z.string().nullable(),
  wamid: z.string().nullable(),
  status: z.string(),
  error_code: z.number().nullable(),
  created_at: z.string(),
});

/** A contact's message log. */
export function messageRoutes(app: FastifyInstance, deps: RequestDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/contacts/:id/messages',
    { config: { permission: 'contacts:read' }, schema: { tags: ['messages'], summary: "The contact's messages, inbound and outbound, newest first", params: idParams, querystring: pageQuery, response: { 200: pageOf(messageOut) } } },
    async (req) => {
      if (!isUuid(req.params.id)) throw notFound('contact', req.params.id);
      const ctx = ctxOf(req, deps);
      await assertContact(ctx, req.params.id);
      return listContactMessages(ctx, req.params.id, req.query);
    },
  );
}
