import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { assertContact } from '../../../modules/contacts/index.js';
import { conversationMessageIn, deliverConversationSend, listContactMessages, prepareConversationSend, type WhatsAppGateway } from '../../../modules/messaging/index.js';
import { deliverTransactionalSend, getSentMessage, prepareTransactionalSend, transactionalSendIn } from '../../../modules/transactional/index.js';
import type { SecretBox } from '../../../lib/secrets.js';
import { ctxOf, runMutation, type RequestDeps } from '../request-context.js';
import { assertId, idParams, pageOf, pageQuery } from '../schemas.js';

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

const sentMessageOut = messageOut.extend({
  status: z.string().describe('pending (no answer from WhatsApp yet: settled by its status webhook), accepted, sent, delivered, read or failed'),
  error_code: z.number().nullable().describe("Meta's error code of a failure (0: refused before WhatsApp took it)"),
  contact_id: z.string().nullable(),
  number_id: z.string().nullable(),
});

/** A contact's message log, one-to-one replies inside the 24-hour window, and transactional template sends. */
export function messageRoutes(app: FastifyInstance, deps: RequestDeps & { box: SecretBox; gateway: WhatsAppGateway }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/contacts/:id/messages',
    { config: { permission: 'contacts:read' }, schema: { tags: ['messages'], summary: "The contact's messages, inbound and outbound, newest first", params: idParams, querystring: pageQuery, response: { 200: pageOf(messageOut) } } },
    async (req) => {
      assertId('contact', req.params.id);
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
      assertId('contact', req.params.id);
      // The intent (pending row + audit + idempotency key) commits before WhatsApp is called, so a
      // crash or lost answer can never lead to a blind second send; a replay returns the first answer.
      const prepared = await runMutation(req, reply, deps, 202, (ctx) => prepareConversationSend(ctx, req.params.id, req.body));
      if (reply.getHeader('idempotent-replayed')) return prepared.out;
      const out = await deliverConversationSend(ctxOf(req, deps), deps, prepared);
      reply.code(out.wamid ? 201 : 202);
      return out;
    },
  );
  r.post(
    '/api/v1/messages',
    {
      config: { permission: 'messages:send' },
      schema: {
        tags: ['messages'],
        summary: 'Send an approved template to one contact (an order update, a reminder): checked against consent for the topic, suppression, quiet hours and the frequency cap (marketing), and the messaging limit',
        body: transactionalSendIn,
        response: { 201: sentMessageOut, 202: sentMessageOut },
      },
    },
    async (req, reply) => {
      // As for replies: the intent (message row, audit, idempotency key) commits before WhatsApp is
      // called, so a lost answer or a retry can never send twice. A refusal writes nothing.
      // Only the message is kept for replays (not the recipient's number or the rendered request).
      const prepared = await runMutation(req, reply, deps, 202, (ctx) => prepareTransactionalSend(ctx, req.body), { replayable: (p) => ({ out: p.out }) });
      const ctx = ctxOf(req, deps);
      if (reply.getHeader('idempotent-replayed')) {
        // A replay never sends: it answers with the message as it stands now.
        const now = await getSentMessage(ctx, prepared.out.id);
        reply.code(now.wamid ? 201 : 202);
        return now;
      }
      const out = await deliverTransactionalSend(ctx, deps, prepared);
      reply.code(out.wamid ? 201 : 202);
      return out;
    },
  );
  r.get(
    '/api/v1/messages/:id',
    { config: { permission: 'contacts:read' }, schema: { tags: ['messages'], summary: 'One message and its delivery status', params: idParams, response: { 200: sentMessageOut } } },
    async (req) => {
      assertId('message', req.params.id);
      return getSentMessage(ctxOf(req, deps), req.params.id);
    },
  );
}
