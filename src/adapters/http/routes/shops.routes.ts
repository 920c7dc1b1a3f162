import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createShopConnection, deleteShopConnection, listShopConnections, receiveShopWebhook, shopConnectionIn, shopConnectionOut } from '../../../modules/shops/index.js';
import { ctxOf, runMutation, type FeatureDeps } from '../request-context.js';
import { assertId, idParams } from '../schemas.js';

// Shops send order webhooks of tens of KB (line items); 2 MB covers the largest documented ones.
const SHOP_BODY_LIMIT = 2 * 1024 * 1024;

/** Shop connections (API) and the shops' signed webhooks (`POST /webhooks/shops/:id`). */
export async function shopRoutes(app: FastifyInstance, deps: FeatureDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['shops'];
  const manage = { permission: 'workspace:manage' as const };
  const read = { permission: 'workspace:read' as const };
  r.post('/api/v1/shop-connections', { config: manage, schema: { tags, summary: 'Connect a Shopify or WooCommerce shop (its webhooks then record purchases, refunds and checkouts)', body: shopConnectionIn, response: { 201: shopConnectionOut } } }, (req, reply) =>
    runMutation(req, reply, deps, 201, (ctx) => createShopConnection(ctx, deps.box, deps.publicUrl, req.body)),
  );
  r.get('/api/v1/shop-connections', { config: read, schema: { tags, summary: 'Connected shops and the webhook URL each must call', response: { 200: z.object({ data: z.array(shopConnectionOut) }) } } }, async (req) => ({
    data: await listShopConnections(ctxOf(req, deps), deps.publicUrl),
  }));
  r.delete('/api/v1/shop-connections/:id', { config: manage, schema: { tags, summary: 'Disconnect a shop (its webhooks are refused from now on)', params: idParams, response: { 200: z.object({ deleted: z.literal(true) }) } } }, (req, reply) => {
    assertId('shop connection', req.params.id);
    return runMutation(req, reply, deps, 200, async (ctx) => {
      await deleteShopConnection(ctx, req.params.id);
      return { deleted: true as const };
    });
  });
  await app.register(async (scope) => {
    // The HMAC covers the exact bytes: this scope keeps the body as a Buffer.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: SHOP_BODY_LIMIT }, (_req, body, done) => done(null, body));
    scope.post('/webhooks/shops/:id', { config: { public: true }, bodyLimit: SHOP_BODY_LIMIT, schema: { hide: true } }, async (req, reply) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const outcome = await receiveShopWebhook({ db: deps.db, box: deps.box, log: deps.log, now: deps.clock.now() }, { connectionId: (req.params as { id: string }).id, raw, headers: req.headers });
      return reply.code(200).send({ outcome });
    });
  });
}
