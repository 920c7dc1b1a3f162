import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createTopic, createTopicIn, getTopic, listTopics, topicOut, updateTopic, updateTopicIn } from '../../../modules/consent/index.js';
import { ctxOf, runMutation, type RequestDeps } from '../request-context.js';
import { assertId, idParams } from '../schemas.js';

/** Topics people subscribe to, each with a category and the frequency promised. */
export function topicRoutes(app: FastifyInstance, deps: RequestDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const read = { permission: 'contacts:read' as const };
  const write = { permission: 'contacts:write' as const };
  const tags = ['consent'];
  r.post('/api/v1/topics', { config: write, schema: { tags, summary: 'Create a topic', body: createTopicIn, response: { 201: topicOut } } }, (req, reply) =>
    runMutation(req, reply, deps, 201, (ctx) => createTopic(ctx, req.body)),
  );
  r.get('/api/v1/topics', { config: read, schema: { tags, summary: 'All topics', response: { 200: z.object({ data: z.array(topicOut), next_cursor: z.null() }) } } }, async (req) => {
    const ctx = ctxOf(req, deps);
    return { data: await listTopics(ctx.db, ctx.workspaceId), next_cursor: null };
  });
  r.get('/api/v1/topics/:id', { config: read, schema: { tags, summary: 'One topic', params: idParams, response: { 200: topicOut } } }, (req) => {
    assertId('topic', req.params.id);
    return getTopic(ctxOf(req, deps), req.params.id);
  });
  r.patch('/api/v1/topics/:id', { config: write, schema: { tags, summary: "Change a topic's name, description or frequency", params: idParams, body: updateTopicIn, response: { 200: topicOut } } }, (req, reply) => {
    assertId('topic', req.params.id);
    return runMutation(req, reply, deps, 200, (ctx) => updateTopic(ctx, req.params.id, req.body));
  });
}
