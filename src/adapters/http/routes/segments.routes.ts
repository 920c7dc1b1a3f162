import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contactOut } from '../../../modules/contacts/index.js';
import {
  addMembersIn,
  addSegmentMembers,
  countSavedSegment,
  createSegment,
  createSegmentIn,
  deleteSegment,
  getSegment,
  listSegmentContacts,
  listSegments,
  membersChangedOut,
  previewSegment,
  previewSegmentIn,
  previewSegmentOut,
  removeMembersIn,
  removeSegmentMembers,
  segmentCatalog,
  segmentCatalogOut,
  segmentOut,
  updateSegment,
  updateSegmentIn,
} from '../../../modules/segments/index.js';
import { ctxOf, runMutation, type RequestDeps } from '../request-context.js';
import { assertId, idParams, pageOf, pageQuery } from '../schemas.js';

/** Segments (saved rules) and static lists, the live preview, and list membership. */
export function segmentRoutes(app: FastifyInstance, deps: RequestDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const read = { permission: 'contacts:read' as const };
  const write = { permission: 'contacts:write' as const };
  const tags = ['segments'];
  r.post('/api/v1/segments/preview', { config: read, schema: { tags, summary: 'Count and sample the contacts matching rules (nothing is saved)', body: previewSegmentIn, response: { 200: previewSegmentOut } } }, (req) =>
    previewSegment(ctxOf(req, deps), req.body),
  );
  r.get('/api/v1/segments/catalog', { config: read, schema: { tags, summary: 'The fields, operators and values segment rules can use (for building rules)', response: { 200: segmentCatalogOut } } }, () =>
    segmentCatalog(),
  );
  r.post('/api/v1/segments', { config: write, schema: { tags, summary: 'Save a dynamic segment (rules) or create a static list (no rules)', body: createSegmentIn, response: { 201: segmentOut } } }, (req, reply) =>
    runMutation(req, reply, deps, 201, (ctx) => createSegment(ctx, req.body)),
  );
  r.get('/api/v1/segments', { config: read, schema: { tags, summary: 'All segments and lists', response: { 200: z.object({ data: z.array(segmentOut), next_cursor: z.null() }) } } }, async (req) => ({
    data: await listSegments(ctxOf(req, deps)),
    next_cursor: null,
  }));
  r.get('/api/v1/segments/:id', { config: read, schema: { tags, summary: 'One segment', params: idParams, response: { 200: segmentOut } } }, (req) => {
    assertId('segment', req.params.id);
    return getSegment(ctxOf(req, deps), req.params.id);
  });
  r.patch('/api/v1/segments/:id', { config: write, schema: { tags, summary: "Rename a segment or change a dynamic segment's rules", params: idParams, body: updateSegmentIn, response: { 200: segmentOut } } }, (req, reply) => {
    assertId('segment', req.params.id);
    return runMutation(req, reply, deps, 200, (ctx) => updateSegment(ctx, req.params.id, req.body));
  });
  r.delete('/api/v1/segments/:id', { config: write, schema: { tags, summary: 'Delete a segment (not while other segments use it)', params: idParams, response: { 200: z.object({ deleted: z.literal(true) }) } } }, (req, reply) => {
    assertId('segment', req.params.id);
    return runMutation(req, reply, deps, 200, async (ctx) => {
      await deleteSegment(ctx, req.params.id);
      return { deleted: true as const };
    });
  });
  r.get('/api/v1/segments/:id/count', { config: read, schema: { tags, summary: 'How many contacts the segment holds now', params: idParams, response: { 200: z.object({ count: z.number().int() }) } } }, async (req) => {
    assertId('segment', req.params.id);
    return { count: await countSavedSegment(ctxOf(req, deps), req.params.id) };
  });
  r.get('/api/v1/segments/:id/contacts', { config: read, schema: { tags, summary: 'The contacts in the segment now, in pages (up to 1,000)', params: idParams, querystring: pageQuery, response: { 200: pageOf(contactOut) } } }, (req) => {
    assertId('segment', req.params.id);
    return listSegmentContacts(ctxOf(req, deps), req.params.id, { limit: req.query.limit, cursor: req.query.cursor });
  });
  r.post('/api/v1/segments/:id/members', { config: write, schema: { tags, summary: 'Add contacts to a static list (ids, phones, or everyone matching rules now)', params: idParams, body: addMembersIn, response: { 200: membersChangedOut } } }, (req, reply) => {
    assertId('segment', req.params.id);
    return runMutation(req, reply, deps, 200, (ctx) => addSegmentMembers(ctx, req.params.id, req.body));
  });
  r.post('/api/v1/segments/:id/members/remove', { config: write, schema: { tags, summary: 'Remove contacts from a static list', params: idParams, body: removeMembersIn, response: { 200: membersChangedOut } } }, (req, reply) => {
    assertId('segment', req.params.id);
    return runMutation(req, reply, deps, 200, (ctx) => removeSegmentMembers(ctx, req.params.id, req.body));
  });
}
