import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../../lib/errors.js';
import { keywordSets, listOptOutNotes, resolveOptOutNote, type KeywordSettings } from '../../../modules/consent/index.js';
import { getWorkspace } from '../../../modules/workspaces/index.js';
import { ctxOf, runMutation, type RequestDeps } from '../request-context.js';
import { idParams, pageOf, pageQuery } from '../schemas.js';

const noteOut = z.object({ id: z.number(), kind: z.string(), contact_id: z.string().nullable(), text: z.string().nullable(), wamid: z.string().nullable(), created_at: z.string(), reviewed_at: z.string().nullable() });

/** Opt-out keywords in effect, the review queue and opt-out reasons. */
export function optOutRoutes(app: FastifyInstance, deps: RequestDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['consent'];
  r.get(
    '/api/v1/opt-out/keywords',
    { config: { permission: 'contacts:read' }, schema: { tags, summary: 'STOP and START words in effect (built-in, in many languages, plus the workspace settings `opt_out`)', response: { 200: z.object({ stop: z.array(z.string()), start: z.array(z.string()) }) } } },
    async (req) => {
      const ws = await getWorkspace(ctxOf(req, deps));
      const sets = keywordSets((ws.settings as { opt_out?: KeywordSettings }).opt_out);
      return { stop: [...sets.stop].sort(), start: [...sets.start].sort() };
    },
  );
  r.get(
    '/api/v1/opt-out/notes',
    { config: { permission: 'contacts:read' }, schema: { tags, summary: 'Messages kept for review (mention a STOP word) and opt-out reasons', querystring: pageQuery.extend({ kind: z.enum(['review', 'reason']).optional(), open: z.coerce.boolean().optional() }), response: { 200: pageOf(noteOut) } } },
    (req) => listOptOutNotes(ctxOf(req, deps), req.query),
  );
  r.post(
    '/api/v1/opt-out/notes/:id/resolve',
    { config: { permission: 'contacts:write' }, schema: { tags, summary: 'Settle a review item: opt the person out, or dismiss', params: idParams, body: z.strictObject({ action: z.enum(['opt_out', 'dismiss']) }), response: { 200: noteOut } } },
    (req, reply) => {
      const id = Number(req.params.id);
      if (!Number.isSafeInteger(id) || id <= 0) throw notFound('review item', req.params.id);
      return runMutation(req, reply, deps, 200, (ctx) => resolveOptOutNote(ctx, id, req.body.action));
    },
  );
}
