import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createUser,
  createUserIn,
  deleteUser,
  getUser,
  listUsers,
  prepareCreateUser,
  prepareUpdateUser,
  updateUser,
  updateUserIn,
  userOut,
} from '../../../modules/workspaces/index.js';
import { ctxOf, runMutation, type RequestDeps } from '../request-context.js';
import { assertId, idParams, pageOf, pageQuery } from '../schemas.js';

/** Users of the workspace and their roles. */
export function userRoutes(app: FastifyInstance, deps: RequestDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const manage = { permission: 'users:manage' as const };
  const tags = ['users'];
  r.post('/api/v1/users', { config: manage, schema: { tags, summary: 'Add a user', body: createUserIn, response: { 201: userOut } } }, async (req, reply) => {
    const prepared = await prepareCreateUser(req.body);
    return runMutation(req, reply, deps, 201, (ctx) => createUser(ctx, prepared));
  });
  r.get('/api/v1/users', { config: manage, schema: { tags, summary: 'List users', querystring: pageQuery, response: { 200: pageOf(userOut) } } }, (req) =>
    listUsers(ctxOf(req, deps), req.query),
  );
  r.get('/api/v1/users/:id', { config: manage, schema: { tags, summary: 'One user', params: idParams, response: { 200: userOut } } }, (req) => {
    assertId('user', req.params.id);
    return getUser(ctxOf(req, deps), req.params.id);
  });
  r.patch(
    '/api/v1/users/:id',
    { config: manage, schema: { tags, summary: 'Change a user (a new password ends their sessions)', params: idParams, body: updateUserIn, response: { 200: userOut } } },
    async (req, reply) => {
      assertId('user', req.params.id);
      const prepared = await prepareUpdateUser(req.body);
      return runMutation(req, reply, deps, 200, (ctx) => updateUser(ctx, req.params.id, prepared));
    },
  );
  r.delete('/api/v1/users/:id', { config: manage, schema: { tags, summary: 'Remove a user', params: idParams, response: { 204: z.null() } } }, async (req, reply) => {
    assertId('user', req.params.id);
    await runMutation(req, reply, deps, 204, (ctx) => deleteUser(ctx, req.params.id));
    return null;
  });
}
