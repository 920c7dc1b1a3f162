import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { apiKeyOut, createApiKey, createApiKeyIn, createdApiKeyOut, getApiKey, listApiKeys, revokeApiKey } from '../../../modules/workspaces/index.js';
import { ctxOf, runMutation, type RequestDeps } from '../request-context.js';
import { assertId, idParams, pageOf, pageQuery } from '../schemas.js';

/** API keys: create (shown once), list, read, revoke. */
export function apiKeyRoutes(app: FastifyInstance, deps: RequestDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const config = { permission: 'apikeys:manage' as const };
  const tags = ['api keys'];
  r.post('/api/v1/api-keys', { config, schema: { tags, summary: 'Create an API key (the key is in this response only)', body: createApiKeyIn, response: { 201: createdApiKeyOut } } }, (req, reply) =>
    // A replay returns the key's metadata only: the key itself is never stored (see runMutation).
    runMutation(req, reply, deps, 201, (ctx) => createApiKey(ctx, req.body), { replayable: ({ key: _secret, ...metadata }) => metadata }),
  );
  r.get('/api/v1/api-keys', { config, schema: { tags, summary: 'List API keys', querystring: pageQuery, response: { 200: pageOf(apiKeyOut) } } }, (req) =>
    listApiKeys(ctxOf(req, deps), req.query),
  );
  r.get('/api/v1/api-keys/:id', { config, schema: { tags, summary: 'One API key', params: idParams, response: { 200: apiKeyOut } } }, (req) => {
    assertId('api key', req.params.id);
    return getApiKey(ctxOf(req, deps), req.params.id);
  });
  r.delete('/api/v1/api-keys/:id', { config, schema: { tags, summary: 'Revoke an API key (effective immediately)', params: idParams, response: { 200: apiKeyOut } } }, (req, reply) => {
    assertId('api key', req.params.id);
    return runMutation(req, reply, deps, 200, (ctx) => revokeApiKey(ctx, req.params.id));
  });
}
