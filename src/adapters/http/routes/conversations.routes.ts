import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  addConversationNote,
  assignConversation,
  assignIn,
  conversationDetailOut,
  conversationListQuery,
  conversationOut,
  deliverReply,
  getConversation,
  listConversations,
  markConversationRead,
  noteIn,
  prepareReply,
  replyIn,
  setConversationState,
  startTyping,
  stateIn,
} from '../../../modules/conversations/index.js';
import { credentialsFor } from '../../../modules/numbers/index.js';
import type { WhatsAppGateway } from '../../../modules/messaging/index.js';
import type { SecretBox } from '../../../lib/secrets.js';
import { AppError } from '../../../lib/errors.js';
import type { InboxEvents } from '../inbox-events.js';
import { ctxOf, runMutation, type RequestDeps } from '../request-context.js';
import { assertId, idParams, pageOf } from '../schemas.js';

const tags = ['conversations'];
const read = { permission: 'contacts:read' } as const;
const reply = { permission: 'conversations:reply' } as const;
const replyOut = z.object({ id: z.string(), status: z.string().describe('pending (settled by its status webhook), accepted, sent, delivered, read or failed') });

/** How often an idle stream sends a comment, so proxies and browsers keep it open. */
const HEARTBEAT_MS = 25_000;

/** The shared inbox: conversations, their threads, assignment, states, read marks, notes and replies. */
export function conversationRoutes(app: FastifyInstance, deps: RequestDeps & { box: SecretBox; gateway: WhatsAppGateway; inboxEvents?: InboxEvents | undefined }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const checkId = (id: string) => assertId('conversation', id);
  r.get(
    '/api/v1/conversations/events',
    {
      config: read,
      schema: {
        tags,
        summary:
          'Live updates (Server-Sent Events): a `conversations` event with the ids that changed — new messages, states, assignment, delivery ticks — (`{"ids":[…]}`, or `{"ids":null}`: reload the list; read them with GET /api/v1/conversations/:id), and a `typing` event when someone is replying (`{"conversation_id","user_id","name"}`, from POST …/typing)',
        produces: ['text/event-stream'],
      },
    },
    async (req, reply) => {
      const ctx = ctxOf(req, deps);
      if (!deps.inboxEvents) throw new AppError('NOT_FOUND', 'live updates are not available in this process');
      reply.hijack();
      const out = reply.raw;
      out.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      // The stream may close while the subscription is being made: whichever comes second ends it.
      const sub: { stop?: () => void; closed?: boolean } = {};
      const beat = setInterval(() => out.write(': keep-alive\n\n'), HEARTBEAT_MS);
      req.raw.on('close', () => {
        sub.closed = true;
        clearInterval(beat);
        sub.stop?.();
      });
      sub.stop = await deps.inboxEvents.subscribe(ctx.workspaceId, (e) => {
        if (e.kind === 'typing') out.write(`event: typing\ndata: ${JSON.stringify(e.typing)}\n\n`);
        else out.write(`event: conversations\ndata: ${JSON.stringify({ ids: e.ids })}\n\n`);
      });
      if (sub.closed) return sub.stop();
      // Only once listening: a client may take the first line as "live from here" (events in between were lost).
      out.write('retry: 2000\n\n');
    },
  );
  r.get(
    '/api/v1/conversations',
    { config: read, schema: { tags, summary: 'The inbox, newest activity first (agents see theirs and the unassigned ones)', querystring: conversationListQuery, response: { 200: pageOf(conversationOut) } } },
    async (req) => listConversations(ctxOf(req, deps), req.query),
  );
  r.get('/api/v1/conversations/:id', { config: read, schema: { tags, summary: 'A conversation with its newest 100 messages (every sender) and its notes', params: idParams, response: { 200: conversationDetailOut } } }, async (req) => {
    checkId(req.params.id);
    return getConversation(ctxOf(req, deps), req.params.id);
  });
  r.post('/api/v1/conversations/:id/assign', { config: reply, schema: { tags, summary: 'Assign to a user and/or a team of the workspace, or unassign either (null); a team alone clears a user not in it, and round-robin (when on) deals it among the team\'s available members', params: idParams, body: assignIn, response: { 200: conversationDetailOut } } }, (req, res) => {
    checkId(req.params.id);
    return runMutation(req, res, deps, 200, (ctx) => assignConversation(ctx, req.params.id, req.body));
  });
  r.post('/api/v1/conversations/:id/state', { config: reply, schema: { tags, summary: 'Open, pending (waiting on the customer) or closed; a message from the person reopens it', params: idParams, body: stateIn, response: { 200: conversationDetailOut } } }, (req, res) => {
    checkId(req.params.id);
    return runMutation(req, res, deps, 200, (ctx) => setConversationState(ctx, req.params.id, req.body));
  });
  r.post('/api/v1/conversations/:id/notes', { config: reply, schema: { tags, summary: 'Add an internal note (never sent to the person)', params: idParams, body: noteIn, response: { 201: conversationDetailOut } } }, (req, res) => {
    checkId(req.params.id);
    return runMutation(req, res, deps, 201, (ctx) => addConversationNote(ctx, req.params.id, req.body));
  });
  r.post('/api/v1/conversations/:id/read', { config: reply, schema: { tags, summary: "Mark the person's messages read (and tell WhatsApp, so they see blue ticks)", params: idParams, response: { 200: conversationDetailOut } } }, async (req) => {
    checkId(req.params.id);
    const ctx = ctxOf(req, deps);
    const mark = await markConversationRead(ctx, req.params.id);
    if (mark.wamid) {
      // Best effort: the read mark is ours either way; WhatsApp's blue ticks are a courtesy.
      try {
        await deps.gateway.markRead(await credentialsFor(ctx, deps.box, mark.numberId), mark.wamid);
      } catch (err) {
        req.log.warn({ err, conversation: req.params.id }, 'read receipt not sent');
      }
    }
    return getConversation(ctx, req.params.id);
  });
  r.post(
    '/api/v1/conversations/:id/typing',
    {
      config: reply,
      schema: {
        tags,
        summary: "Say you are replying: the other agents' streams get a `typing` event, and while the window is open the person sees WhatsApp's typing indicator (about 25 s; their messages are marked read). Call again every 10–20 s while typing",
        params: idParams,
        response: { 200: z.object({ typing_indicator: z.boolean().describe('whether WhatsApp was asked to show the indicator (false: window closed, or WhatsApp refused)') }) },
      },
    },
    async (req) => {
      checkId(req.params.id);
      const ctx = ctxOf(req, deps);
      const t = await startTyping(ctx, req.params.id);
      if (!t.wamid) return { typing_indicator: false };
      // Best effort, like the read receipt: a refused indicator must not stop the agent typing.
      try {
        await deps.gateway.markRead(await credentialsFor(ctx, deps.box, t.numberId), t.wamid, true);
        return { typing_indicator: true };
      } catch (err) {
        req.log.warn({ err, conversation: req.params.id }, 'typing indicator not sent');
        return { typing_indicator: false };
      }
    },
  );
  r.post(
    '/api/v1/conversations/:id/messages',
    {
      config: reply,
      schema: {
        tags,
        summary: 'Reply: text, buttons or media inside the 24-hour window; an approved template (with its topic) at any time, checked against the person’s consent',
        params: idParams,
        body: replyIn,
        response: { 201: replyOut, 202: replyOut },
      },
    },
    async (req, res) => {
      checkId(req.params.id);
      // The intent commits first (pending row, audit, idempotency key): a crash or a lost answer never leads to a blind second send.
      const prepared = await runMutation(req, res, deps, 202, (ctx) => prepareReply(ctx, req.params.id, req.body));
      if (res.getHeader('idempotent-replayed')) return prepared.out;
      const out = await deliverReply(ctxOf(req, deps), deps, prepared);
      res.code(out.status === 'pending' ? 202 : 201);
      return out;
    },
  );
}
