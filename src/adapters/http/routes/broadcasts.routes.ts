import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../../lib/errors.js';
import {
  broadcastOut,
  changeBroadcastStatus,
  createBroadcast,
  createBroadcastIn,
  deleteBroadcast,
  estimateBroadcast,
  getBroadcast,
  listBroadcasts,
  listRecipients,
  planOut,
  recipientLookupOut,
  recipientOut,
  recipientOutcome,
  RECIPIENT_FILTERS,
  recordLinkClick,
  resendFailed,
  resendFailedOut,
  sendBroadcastTest,
  startBroadcast,
  testSendIn,
  testSendOut,
  listBroadcastTests,
  updateBroadcast,
  updateBroadcastIn,
  abTestOut,
  pickAbWinner,
  pickWinnerIn,
} from '../../../modules/broadcasts/index.js';
import { isAutomationLinkToken, recordAutomationClick } from '../../../modules/automations/index.js';
import { ctxOf, runMutation, type FeatureDeps } from '../request-context.js';
import { assertId, idParams, pageOf, pageQuery } from '../schemas.js';

/** Template broadcasts: drafts, the plan before sending, test sends, start/pause/resume/cancel and results. */
export function broadcastRoutes(app: FastifyInstance, deps: FeatureDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const read = { permission: 'contacts:read' as const };
  const manage = { permission: 'broadcasts:manage' as const };
  const tags = ['broadcasts'];
  r.post('/api/v1/broadcasts', { config: manage, schema: { tags, summary: 'Create a draft broadcast (audience + topic, template + variables, schedule)', body: createBroadcastIn, response: { 201: broadcastOut } } }, (req, reply) =>
    runMutation(req, reply, deps, 201, (ctx) => createBroadcast(ctx, req.body)),
  );
  r.get(
    '/api/v1/broadcasts',
    { config: read, schema: { tags, summary: 'Broadcasts, newest first', querystring: pageQuery.extend({ status: z.string().max(20).optional() }), response: { 200: pageOf(broadcastOut) } } },
    (req) => listBroadcasts(ctxOf(req, deps), { limit: req.query.limit, ...(req.query.cursor ? { cursor: req.query.cursor } : {}), ...(req.query.status ? { status: req.query.status } : {}) }),
  );
  r.get('/api/v1/broadcasts/:id', { config: read, schema: { tags, summary: 'One broadcast with live counts', params: idParams, response: { 200: broadcastOut } } }, (req) => {
    assertId('broadcast', req.params.id);
    return getBroadcast(ctxOf(req, deps), req.params.id);
  });
  r.patch('/api/v1/broadcasts/:id', { config: manage, schema: { tags, summary: 'Change a draft', params: idParams, body: updateBroadcastIn, response: { 200: broadcastOut } } }, (req, reply) => {
    assertId('broadcast', req.params.id);
    return runMutation(req, reply, deps, 200, (ctx) => updateBroadcast(ctx, req.params.id, req.body));
  });
  r.delete('/api/v1/broadcasts/:id', { config: manage, schema: { tags, summary: 'Delete a draft', params: idParams, response: { 200: z.object({ deleted: z.literal(true) }) } } }, (req, reply) => {
    assertId('broadcast', req.params.id);
    return runMutation(req, reply, deps, 200, async (ctx) => {
      await deleteBroadcast(ctx, req.params.id);
      return { deleted: true as const };
    });
  });
  r.post(
    '/api/v1/broadcasts/:id/estimate',
    { config: manage, schema: { tags, summary: 'The plan now: audience with every exclusion by reason, sendable count, cost, messaging-limit spill', params: idParams, response: { 200: planOut } } },
    (req) => {
      assertId('broadcast', req.params.id);
      return estimateBroadcast(ctxOf(req, deps), req.params.id);
    },
  );
  r.post(
    '/api/v1/broadcasts/:id/test',
    {
      config: manage,
      schema: { tags, summary: "Send the message to the team's own numbers", params: idParams, body: testSendIn.optional(), response: { 200: z.object({ text: z.string(), results: z.array(testSendOut) }) } },
    },
    (req) => {
      assertId('broadcast', req.params.id);
      return sendBroadcastTest(ctxOf(req, deps), deps, req.params.id, req.body ?? {});
    },
  );
  r.get(
    '/api/v1/broadcasts/:id/tests',
    { config: read, schema: { tags, summary: 'Test sends, newest first, each with its final status and error code (from the status webhooks)', params: idParams, response: { 200: z.object({ data: z.array(testSendOut) }) } } },
    (req) => {
      assertId('broadcast', req.params.id);
      return listBroadcastTests(ctxOf(req, deps), req.params.id);
    },
  );
  for (const action of ['start', 'pause', 'resume', 'cancel'] as const) {
    r.post(`/api/v1/broadcasts/:id/${action}`, { config: manage, schema: { tags, summary: `${action[0]!.toUpperCase()}${action.slice(1)} the broadcast`, params: idParams, response: { 200: broadcastOut } } }, (req, reply) => {
      assertId('broadcast', req.params.id);
      return runMutation(req, reply, deps, 200, (ctx) => (action === 'start' ? startBroadcast(ctx, req.params.id) : changeBroadcastStatus(ctx, req.params.id, action)));
    });
  }
  r.post(
    '/api/v1/broadcasts/:id/resend-failed',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Queue failed recipients once more: transient errors only (and 131049 after 24 h), never twice, through the same send-time checks',
        params: idParams,
        response: { 200: resendFailedOut },
      },
    },
    (req, reply) => {
      assertId('broadcast', req.params.id);
      return runMutation(req, reply, deps, 200, (ctx) => resendFailed(ctx, req.params.id));
    },
  );
  r.post(
    '/api/v1/broadcasts/:id/ab/pick-winner',
    {
      config: manage,
      schema: {
        tags,
        summary: 'A/B test: send the winner (the best variant by the metric, or `variant`) to the rest of the audience; once, through the same send-time checks',
        params: idParams,
        body: pickWinnerIn.optional(),
        response: { 200: abTestOut },
      },
    },
    (req, reply) => {
      assertId('broadcast', req.params.id);
      return runMutation(req, reply, deps, 200, (ctx) => pickAbWinner(ctx, req.params.id, req.body ?? {}));
    },
  );
  r.get(
    '/api/v1/broadcasts/:id/recipients',
    {
      config: read,
      schema: { tags, summary: `Per-recipient state and reason (state: ${RECIPIENT_FILTERS.join(', ')})`, params: idParams, querystring: pageQuery.extend({ state: z.string().max(20).optional() }), response: { 200: pageOf(recipientOut) } },
    },
    (req) => {
      assertId('broadcast', req.params.id);
      return listRecipients(ctxOf(req, deps), req.params.id, { limit: req.query.limit, ...(req.query.cursor ? { cursor: req.query.cursor } : {}), ...(req.query.state ? { state: req.query.state } : {}) });
    },
  );
  r.get(
    '/api/v1/broadcasts/:id/recipients/:contact_id',
    {
      config: read,
      schema: { tags, summary: 'Why one contact got this broadcast or not (matched? excluded and why? sent, skipped or failed?)', params: z.object({ id: z.string(), contact_id: z.string() }), response: { 200: recipientLookupOut } },
    },
    (req) => {
      assertId('broadcast', req.params.id);
      assertId('contact', req.params.contact_id);
      return recipientOutcome(ctxOf(req, deps), req.params.id, req.params.contact_id);
    },
  );
}

/** Tracked links: `/r/<token>` records the click and redirects (public; the token is signed). */
export function linkRoutes(app: FastifyInstance, deps: FeatureDeps & { linkSign: (payload: string) => string }): void {
  app.get<{ Params: { token: string } }>('/r/:token', { config: { public: true }, schema: { hide: true } }, async (req, reply) => {
    const token = req.params.token.slice(0, 64);
    // Automation steps' links and broadcast links share /r/ (one public URL to allow-list), told apart by shape.
    const url = isAutomationLinkToken(token) ? await recordAutomationClick(deps.db, deps.linkSign, token, deps.clock.now()) : await recordLinkClick(deps.db, deps.linkSign, token, deps.clock.now());
    if (!url) throw new AppError('LINK_INVALID', 'this link is not valid');
    return reply.code(302).header('cache-control', 'no-store').header('location', url).send();
  });
}
