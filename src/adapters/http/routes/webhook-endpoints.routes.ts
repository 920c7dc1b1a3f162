import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  createEndpoint,
  deleteEndpoint,
  deliverDueWebhooks,
  deliveryListQuery,
  deliveryOut,
  endpointIn,
  endpointOut,
  endpointPatch,
  getDelivery,
  getEndpoint,
  listDeliveries,
  listEndpoints,
  queueTestEvent,
  replayDelivery,
  updateEndpoint,
  type HookDeps,
  type WebhookSend,
} from '../../../modules/hooks/index.js';
import { ctxOf, runMutation, type RequestDeps } from '../request-context.js';
import { assertId, idParams, pageOf } from '../schemas.js';

/** Outbound webhook endpoints, their delivery log, replays and test sends. Secrets appear only in the answer that made them. */
export function webhookEndpointRoutes(app: FastifyInstance, deps: RequestDeps & { log: Logger; hooks: HookDeps & { send: WebhookSend } }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const manage = { permission: 'workspace:manage' as const };
  const read = { permission: 'workspace:read' as const };
  const tags = ['webhook endpoints'];
  // An Idempotency-Key replay must never hand the secret out again (nor keep it in clear in the database).
  const withoutSecret = ({ secret: _secret, ...rest }: z.infer<typeof endpointOut>) => rest;
  r.post('/api/v1/webhook-endpoints', { config: manage, schema: { tags, summary: 'Add an endpoint; the answer carries its signing secret, shown only this once', body: endpointIn, response: { 201: endpointOut } } }, (req, reply) =>
    runMutation(req, reply, deps, 201, (ctx) => createEndpoint(ctx, deps.hooks, req.body), { replayable: withoutSecret }),
  );
  r.get('/api/v1/webhook-endpoints', { config: read, schema: { tags, summary: "The workspace's endpoints (never their secrets)", response: { 200: pageOf(endpointOut) } } }, (req) => listEndpoints(ctxOf(req, deps)));
  r.get('/api/v1/webhook-endpoints/:id', { config: read, schema: { tags, summary: 'One endpoint (never its secret)', params: idParams, response: { 200: endpointOut } } }, (req) => {
    assertId('webhook endpoint', req.params.id);
    return getEndpoint(ctxOf(req, deps), req.params.id);
  });
  r.patch(
    '/api/v1/webhook-endpoints/:id',
    { config: manage, schema: { tags, summary: 'Change the URL or events, enable or disable, or rotate the secret (the new one is returned once)', params: idParams, body: endpointPatch, response: { 200: endpointOut } } },
    (req, reply) => {
      assertId('webhook endpoint', req.params.id);
      return runMutation(req, reply, deps, 200, (ctx) => updateEndpoint(ctx, deps.hooks, req.params.id, req.body));
    },
  );
  r.delete('/api/v1/webhook-endpoints/:id', { config: manage, schema: { tags, summary: 'Remove an endpoint and its delivery log', params: idParams, response: { 204: z.null() } } }, async (req, reply) => {
    assertId('webhook endpoint', req.params.id);
    await runMutation(req, reply, deps, 204, (ctx) => deleteEndpoint(ctx, req.params.id));
    return null;
  });
  r.post('/api/v1/webhook-endpoints/:id/test', { config: manage, schema: { tags, summary: 'Send a signed webhook.test event to this endpoint now and answer with the delivery', params: idParams, response: { 200: deliveryOut } } }, async (req, reply) => {
    assertId('webhook endpoint', req.params.id);
    const id = await runMutation(req, reply, deps, 200, (ctx) => queueTestEvent(ctx, req.params.id));
    const ctx = ctxOf(req, deps);
    await deliverDueWebhooks({ db: deps.db, box: deps.hooks.box, send: deps.hooks.send, log: deps.log, now: ctx.now }, id);
    return getDelivery(ctx, id);
  });
  r.get(
    '/api/v1/webhook-endpoints/:id/deliveries',
    { config: read, schema: { tags, summary: "The endpoint's delivery log, newest first, each with its attempts", params: idParams, querystring: deliveryListQuery, response: { 200: pageOf(deliveryOut) } } },
    (req) => {
      assertId('webhook endpoint', req.params.id);
      return listDeliveries(ctxOf(req, deps), req.params.id, req.query);
    },
  );
  r.post('/api/v1/webhook-deliveries/:id/replay', { config: manage, schema: { tags, summary: "Send a delivery's event again (same event id) as a new delivery, due now", params: idParams, response: { 202: deliveryOut } } }, async (req, reply) => {
    assertId('webhook delivery', req.params.id);
    const id = await runMutation(req, reply, deps, 202, (ctx) => replayDelivery(ctx, req.params.id));
    return getDelivery(ctxOf(req, deps), id);
  });
}
