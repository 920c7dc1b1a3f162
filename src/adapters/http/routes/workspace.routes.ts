import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { getWorkspace, updateWorkspace, updateWorkspaceIn, workspaceOut } from '../../../modules/workspaces/index.js';
import { ctxOf, runMutation, type RequestDeps } from '../request-context.js';

/** The caller's own workspace. */
export function workspaceRoutes(app: FastifyInstance, deps: RequestDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/api/v1/workspace', { config: { permission: 'workspace:read' }, schema: { tags: ['workspace'], summary: 'The workspace this key belongs to', response: { 200: workspaceOut } } }, (req) =>
    getWorkspace(ctxOf(req, deps)),
  );
  r.patch(
    '/api/v1/workspace',
    { config: { permission: 'workspace:manage' }, schema: { tags: ['workspace'], summary: 'Rename or change settings', body: updateWorkspaceIn, response: { 200: workspaceOut } } },
    (req, reply) => runMutation(req, reply, deps, 200, (ctx) => updateWorkspace(ctx, req.body)),
  );
}
