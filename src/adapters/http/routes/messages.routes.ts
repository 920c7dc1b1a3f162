import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../../lib/errors.js';
import { assertContact } from '../../../modules/contacts/index.js';
import { conversationMessageIn, deliverConversationSend, listContactMessages, prepareConversationSend, type WhatsAppGateway } from '../../../modules/messaging/index.js';
import type { SecretBox } from '../../../lib/secrets.js';
import { ctxOf, runMutation, type RequestDeps } from '../request-context.js';
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

/** A contact's message log, and one-to-one replies inside the 24-hour window. */
export function messageRoutes(app: FastifyInstance, deps: RequestDeps & { box: SecretBox; gateway: WhatsAppGateway }): void {
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
  r.post(
    '/api/v1/contacts/:id/messages',
    {
      config: { permission: 'conversations:reply' },
      schema: {
        tags: ['messages'],
        summary: 'Reply to a contact inside the 24-hour customer-service window (text, reply buttons or media)',
        params: idParams,
        body: conversationMessageIn,
        response: { 201: messageOut, 202: messageOut },
      },
    },
    async (req, reply) => {
      if (!isUuid(req.params.id)) throw notFound('contact', req.params.id);
      // The intent (pending row + audit + idempotency key) commits before WhatsApp is called, so a
      // crash or lost answer can never lead to a blind second send; a replay returns the first answer.
      const prepared = await runMutation(req, reply, deps, 202, (ctx) => prepareConversationSend(ctx, req.params.id, req.body));
      if (reply.getHeader('idempotent-replayed')) return prepared.out;
      const out = await deliverConversationSend(ctxOf(req, deps), deps, prepared);
      reply.code(out.wamid ? 201 : 202);
      return out;
    },
  );
}
