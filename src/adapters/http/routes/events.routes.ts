import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contactEventOut, engagementOut, getContactEngagement, listContactEvents, recordEvents, recordEventsIn, recordEventsOut } from '../../../modules/engagement/index.js';
import { attributeConversions } from '../../../modules/broadcasts/index.js';
import { evaluateLifecycleFor, getContactLifecycle, listContactTransitions } from '../../../modules/lifecycle/index.js';
import { ctxOf, runMutation, type RequestDeps } from '../request-context.js';
import { assertId, idParams, pageOf, pageQuery } from '../schemas.js';

const transitionOut = z.object({ from: z.string(), to: z.string(), reason: z.string(), at: z.string() });
const lifecycleOut = z.object({
  stage: z.string(),
  changed_at: z.string().nullable(),
  transitions: z.array(transitionOut).describe('the latest 200, newest first; GET /contacts/{id}/lifecycle/transitions pages through all'),
});

/** Customer events in, and what Greenlist knows about a contact's engagement and lifecycle. */
export function eventRoutes(app: FastifyInstance, deps: RequestDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const read = { permission: 'contacts:read' as const };
  const write = { permission: 'contacts:write' as const };
  r.post(
    '/api/v1/events',
    { config: write, schema: { tags: ['events'], summary: 'Record customer events (one, or { events: [...] } up to 1,000); resends with the same idempotency_key count once', body: recordEventsIn, response: { 200: recordEventsOut } } },
    (req, reply) =>
      runMutation(req, reply, deps, 200, async (ctx) => {
        const { contactIds, ...out } = await recordEvents(ctx, req.body);
        // A goal event after a broadcast is credited to it in the same transaction (docs/design.md §24c).
        await attributeConversions(ctx.db, ctx.workspaceId, out.ids, ctx.now);
        // A purchase can make someone active or loyal now, not at the next bulk run.
        await evaluateLifecycleFor(ctx.db, ctx.workspaceId, contactIds, ctx.now);
        return out;
      }),
  );
  r.get('/api/v1/contacts/:id/events', { config: read, schema: { tags: ['events'], summary: "A contact's customer events, newest first", params: idParams, querystring: pageQuery, response: { 200: pageOf(contactEventOut) } } }, (req) => {
    assertId('contact', req.params.id);
    return listContactEvents(ctxOf(req, deps), req.params.id, { limit: req.query.limit, cursor: req.query.cursor });
  });
  r.get('/api/v1/contacts/:id/engagement', { config: read, schema: { tags: ['events'], summary: 'Engagement: last inbound, read, click, purchase; 30/90-day counts and rates', params: idParams, response: { 200: engagementOut } } }, (req) => {
    assertId('contact', req.params.id);
    return getContactEngagement(ctxOf(req, deps), req.params.id);
  });
  r.get('/api/v1/contacts/:id/lifecycle', { config: read, schema: { tags: ['lifecycle'], summary: 'Lifecycle stage and every transition with its reason', params: idParams, response: { 200: lifecycleOut } } }, (req) => {
    assertId('contact', req.params.id);
    return getContactLifecycle(ctxOf(req, deps), req.params.id);
  });
  r.get(
    '/api/v1/contacts/:id/lifecycle/transitions',
    { config: read, schema: { tags: ['lifecycle'], summary: "A contact's lifecycle transitions, newest first, keyset-paged", params: idParams, querystring: pageQuery, response: { 200: pageOf(transitionOut) } } },
    (req) => {
      assertId('contact', req.params.id);
      return listContactTransitions(ctxOf(req, deps), req.params.id, req.query);
    },
  );
}
