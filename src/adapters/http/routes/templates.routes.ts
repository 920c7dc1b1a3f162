import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  createTemplate,
  createTemplateIn,
  deleteTemplate,
  getTemplate,
  lintOut,
  lintTemplate,
  listTemplates,
  listTemplatesQuery,
  previewTemplate,
  previewTemplateIn,
  previewTemplateOut,
  syncTemplates,
  syncTemplatesIn,
  syncTemplatesOut,
  templateDefIn,
  templateOut,
} from '../../../modules/templates/index.js';
import { ctxOf, runMutation, type FeatureDeps } from '../request-context.js';
import { assertId, idParams, pageOf } from '../schemas.js';

/** Message templates: sync from Meta, lint, submit, preview with contact data, delete. */
export function templateRoutes(app: FastifyInstance, deps: FeatureDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const read = { permission: 'workspace:read' as const };
  const preview = { permission: 'contacts:read' as const };
  const write = { permission: 'broadcasts:manage' as const };
  const tags = ['templates'];
  const manage = { box: deps.box, gateway: deps.gateway };
  r.get('/api/v1/templates', { config: read, schema: { tags, summary: 'List templates (DELETED ones only with status=DELETED)', querystring: listTemplatesQuery, response: { 200: pageOf(templateOut) } } }, (req) =>
    listTemplates(ctxOf(req, deps), req.query),
  );
  r.post('/api/v1/templates/sync', { config: write, schema: { tags, summary: "Pull templates from Meta for every WABA of the workspace's numbers (or one number's)", body: syncTemplatesIn, response: { 200: syncTemplatesOut } } }, (req, reply) =>
    runMutation(req, reply, deps, 200, (ctx) => syncTemplates(ctx, manage, req.body?.number_id)),
  );
  r.post('/api/v1/templates/lint', { config: read, schema: { tags, summary: "Check a definition against Meta's rules without submitting it", body: templateDefIn, response: { 200: lintOut } } }, async (req) =>
    lintTemplate({ name: req.body.name, language: req.body.language, category: req.body.category.toUpperCase(), components: req.body.components, parameterFormat: (req.body.parameter_format ?? 'POSITIONAL').toUpperCase() }),
  );
  r.post('/api/v1/templates', { config: write, schema: { tags, summary: 'Lint and submit a template to Meta for review', body: createTemplateIn, response: { 201: templateOut } } }, (req, reply) =>
    runMutation(req, reply, deps, 201, (ctx) => createTemplate(ctx, manage, req.body)),
  );
  r.get('/api/v1/templates/:id', { config: read, schema: { tags, summary: 'One template, with its parameters and lint', params: idParams, response: { 200: templateOut } } }, (req) => {
    assertId('template', req.params.id);
    return getTemplate(ctxOf(req, deps), req.params.id);
  });
  r.post('/api/v1/templates/:id/preview', { config: preview, schema: { tags, summary: 'Render the template for a contact, sample values or its examples', params: idParams, body: previewTemplateIn, response: { 200: previewTemplateOut } } }, (req) => {
    assertId('template', req.params.id);
    return previewTemplate(ctxOf(req, deps), req.params.id, req.body);
  });
  r.delete('/api/v1/templates/:id', { config: write, schema: { tags, summary: 'Delete this language of the template at Meta', params: idParams, response: { 200: templateOut } } }, (req, reply) => {
    assertId('template', req.params.id);
    return runMutation(req, reply, deps, 200, (ctx) => deleteTemplate(ctx, manage, req.params.id));
  });
}
