import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SecretBox } from '../../../lib/secrets.js';
import type { WhatsAppGateway } from '../../../modules/messaging/index.js';
import { type ApiBaseUrlCheck, connectNumber, connectNumberIn, disconnectNumber, getNumber, listNumbers, numberOut, refreshNumberHealth, updateNumber, updateNumberIn } from '../../../modules/numbers/index.js';
import { webhookBacklog } from '../../../modules/inbound/index.js';
import { ctxOf, runMutation, type RequestDeps } from '../request-context.js';
import { assertId, idParams, pageOf, pageQuery } from '../schemas.js';

/** Connected business numbers. Responses never contain tokens, app secrets or verify tokens. */
export function phoneNumberRoutes(app: FastifyInstance, deps: RequestDeps & { box: SecretBox; gateway: WhatsAppGateway; numbersChanged?: { notify(): Promise<void> }; checkApiBaseUrl?: ApiBaseUrlCheck }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // After the commit: webhook intake and the sandbox simulator pick up new secrets at once.
  const changed = async <T>(p: Promise<T>): Promise<T> => {
    const out = await p;
    await deps.numbersChanged?.notify();
    return out;
  };
  const manage = { permission: 'workspace:manage' as const };
  const read = { permission: 'workspace:read' as const };
  const tags = ['phone numbers'];
  r.post('/api/v1/phone-numbers', { config: manage, schema: { tags, summary: 'Connect a WhatsApp business number', body: connectNumberIn, response: { 201: numberOut } } }, (req, reply) =>
    changed(runMutation(req, reply, deps, 201, (ctx) => connectNumber(ctx, deps.box, req.body, deps.checkApiBaseUrl ? { checkApiBaseUrl: deps.checkApiBaseUrl } : {}))),
  );
  r.get('/api/v1/phone-numbers', { config: read, schema: { tags, summary: 'List connected numbers', querystring: pageQuery, response: { 200: pageOf(numberOut) } } }, (req) =>
    listNumbers(ctxOf(req, deps), req.query),
  );
  r.get('/api/v1/phone-numbers/:id', { config: read, schema: { tags, summary: 'One connected number', params: idParams, response: { 200: numberOut } } }, (req) => {
    assertId('phone number', req.params.id);
    return getNumber(ctxOf(req, deps), req.params.id);
  });
  r.get(
    '/api/v1/phone-numbers/:id/webhook-backlog',
    {
      config: read,
      schema: {
        tags,
        summary: "Webhook bodies for this number stored but not yet processed (statuses and replies land moments after Meta's 200; after a burst this says how far behind)",
        params: idParams,
        response: { 200: z.object({ pending: z.number().int(), oldest_pending_at: z.string().nullable(), failed: z.number().int() }) },
      },
    },
    async (req) => {
      assertId('phone number', req.params.id);
      const ctx = ctxOf(req, deps);
      const number = await getNumber(ctx, req.params.id);
      return webhookBacklog(ctx.db, number.phone_number_id);
    },
  );
  r.patch(
    '/api/v1/phone-numbers/:id',
    { config: manage, schema: { tags, summary: 'Rotate secrets or change tiers', params: idParams, body: updateNumberIn, response: { 200: numberOut } } },
    (req, reply) => {
      assertId('phone number', req.params.id);
      return changed(runMutation(req, reply, deps, 200, (ctx) => updateNumber(ctx, deps.box, req.params.id, req.body, deps.checkApiBaseUrl)));
    },
  );
  r.delete('/api/v1/phone-numbers/:id', { config: manage, schema: { tags, summary: 'Disconnect a number', params: idParams, response: { 204: z.null() } } }, async (req, reply) => {
    assertId('phone number', req.params.id);
    await changed(runMutation(req, reply, deps, 204, (ctx) => disconnectNumber(ctx, req.params.id)));
    return null;
  });
  r.post('/api/v1/phone-numbers/:id/refresh', { config: manage, schema: { tags, summary: "Read the number's quality, tier and throughput from the Cloud API", params: idParams, response: { 200: numberOut } } }, (req, reply) => {
    assertId('phone number', req.params.id);
    return runMutation(req, reply, deps, 200, (ctx) => refreshNumberHealth(ctx, deps.box, deps.gateway, req.params.id));
  });
}
