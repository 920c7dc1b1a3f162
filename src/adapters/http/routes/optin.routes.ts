import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  adminLogoOf,
  createOptinSource,
  deleteOptinLogo,
  logoIn,
  logoOut,
  saveOptinLogo,
  createSourceIn,
  getOptinSource,
  linkOut,
  listOptinSources,
  OPTIN_KINDS,
  OPTIN_STATUSES,
  optinLinkOf,
  previewOptinForm,
  publishOptinSource,
  renderQr,
  sourceOut,
  updateOptinSource,
  updateSourceIn,
} from '../../../modules/optin/index.js';
import { ctxOf, runMutation, type FeatureDeps } from '../request-context.js';
import { previewPage, sendLogo, sendPage } from './join.routes.js';
import { assertId, idParams, pageOf, pageQuery } from '../schemas.js';

const qrQuery = z.object({ size: z.coerce.number().int().min(128, 'must be at least 128').max(2048, 'must be at most 2048').default(512).describe('PNG width in pixels') });

/** Opt-in sources: hosted forms, click-to-chat links and QR codes (authenticated API). */
export function optinRoutes(app: FastifyInstance, deps: FeatureDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const write = { permission: 'contacts:write' as const };
  const read = { permission: 'contacts:read' as const };
  const tags = ['opt-in sources'];
  // A form's public page, for whoever shares it; links and QR codes open WhatsApp instead.
  const withPage = (s: z.infer<typeof sourceOut>) => ({ ...s, page_url: s.kind === 'form' && s.slug ? `${deps.publicUrl.replace(/\/+$/, '')}/join/${s.slug}` : null });
  const out = sourceOut.extend({ page_url: z.string().nullable() });

  r.post('/api/v1/optin-sources', { config: write, schema: { tags, summary: 'Create an opt-in source (form, store, flyer, event, ad, link)', body: createSourceIn, response: { 201: out } } }, async (req, reply) =>
    withPage(await runMutation(req, reply, deps, 201, (ctx) => createOptinSource(ctx, req.body))),
  );
  r.get(
    '/api/v1/optin-sources',
    { config: read, schema: { tags, summary: 'List opt-in sources', querystring: pageQuery.extend({ kind: z.enum(OPTIN_KINDS).optional(), status: z.enum(OPTIN_STATUSES).optional() }), response: { 200: pageOf(out) } } },
    async (req) => {
      const page = await listOptinSources(ctxOf(req, deps), req.query);
      return { ...page, data: page.data.map(withPage) };
    },
  );
  r.get('/api/v1/optin-sources/:id', { config: read, schema: { tags, summary: 'One opt-in source', params: idParams, response: { 200: out } } }, async (req) => {
    assertId('opt-in source', req.params.id);
    return withPage(await getOptinSource(ctxOf(req, deps), req.params.id));
  });
  r.patch('/api/v1/optin-sources/:id', { config: write, schema: { tags, summary: 'Change an opt-in source (an active form must stay complete)', params: idParams, body: updateSourceIn, response: { 200: out } } }, async (req, reply) => {
    assertId('opt-in source', req.params.id);
    return withPage(await runMutation(req, reply, deps, 200, (ctx) => updateOptinSource(ctx, req.params.id, req.body)));
  });
  r.post(
    '/api/v1/optin-sources/:id/publish',
    { config: write, schema: { tags, summary: 'Publish: a form goes live at /join/<slug> once it states business, topics, frequency, how to stop and privacy link', params: idParams, response: { 200: out } } },
    async (req, reply) => {
      assertId('opt-in source', req.params.id);
      return withPage(await runMutation(req, reply, deps, 200, (ctx) => publishOptinSource(ctx, req.params.id)));
    },
  );
  r.get(
    '/api/v1/optin-sources/:id/page-preview',
    {
      config: read,
      schema: {
        tags,
        summary: 'A form\'s sign-up page as it would show now, draft or live (HTML, for the admin preview; nothing can be submitted from it)',
        params: idParams,
        querystring: z.object({ lang: z.string().max(8).optional().describe('one of the form\'s languages; default: Accept-Language among them, else the first') }),
      },
    },
    async (req, reply) => {
      assertId('opt-in source', req.params.id);
      const { form, status, missing } = await previewOptinForm(ctxOf(req, deps), req.params.id);
      // The admin app shows it in a phone-sized frame: its own origin may frame it, nobody else.
      reply.header('content-security-policy', String(reply.getHeader('content-security-policy') ?? '').replace("frame-ancestors 'none'", "frame-ancestors 'self'"));
      const logoUrl = form.logoVersion ? `/api/v1/optin-sources/${form.id}/logo?v=${form.logoVersion}` : null;
      return sendPage(reply, 200, previewPage(form, { live: status === 'active', missing }, { lang: req.query.lang, acceptLanguage: req.headers['accept-language'], logoUrl }));
    },
  );
  r.put(
    '/api/v1/optin-sources/:id/logo',
    { config: write, schema: { tags, summary: 'Upload a form\'s logo (PNG, JPEG or WebP, at most 200 KB, base64); the bytes must be the type named', params: idParams, body: logoIn, response: { 200: logoOut } } },
    async (req, reply) => {
      assertId('opt-in source', req.params.id);
      const id = req.params.id;
      const saved = await runMutation(req, reply, deps, 200, (ctx) => saveOptinLogo(ctx, id, req.body));
      return { content_type: saved.contentType, size: saved.size, sha256: saved.sha256, url: `/api/v1/optin-sources/${id}/logo?v=${saved.sha256.slice(0, 12)}`, updated_at: saved.updatedAt.toISOString() };
    },
  );
  r.delete('/api/v1/optin-sources/:id/logo', { config: write, schema: { tags, summary: 'Remove a form\'s logo', params: idParams, response: { 200: z.object({ deleted: z.boolean() }) } } }, async (req, reply) => {
    assertId('opt-in source', req.params.id);
    const id = req.params.id;
    return { deleted: await runMutation(req, reply, deps, 200, (ctx) => deleteOptinLogo(ctx, id)) };
  });
  r.get('/api/v1/optin-sources/:id/logo', { config: read, schema: { tags, summary: 'A form\'s logo image (404 when it has none)', params: idParams } }, async (req, reply) => {
    assertId('opt-in source', req.params.id);
    return sendLogo(reply, await adminLogoOf(ctxOf(req, deps), req.params.id), 'private, no-cache');
  });
  r.get('/api/v1/optin-sources/:id/link', { config: read, schema: { tags, summary: 'Click-to-chat link (wa.me) with the keyword prefilled', params: idParams, response: { 200: linkOut } } }, async (req) => {
    assertId('opt-in source', req.params.id);
    return optinLinkOf(ctxOf(req, deps), req.params.id);
  });
  r.get('/api/v1/optin-sources/:id/qr.png', { config: read, schema: { tags, summary: 'QR code of the click-to-chat link (PNG)', params: idParams, querystring: qrQuery } }, async (req, reply) => {
    assertId('opt-in source', req.params.id);
    const { url } = await optinLinkOf(ctxOf(req, deps), req.params.id);
    const png = await renderQr(url, 'png', req.query.size);
    return reply.type('image/png').header('cache-control', 'private, no-cache').header('content-disposition', `inline; filename="optin-${req.params.id}.png"`).send(png);
  });
  r.get('/api/v1/optin-sources/:id/qr.svg', { config: read, schema: { tags, summary: 'QR code of the click-to-chat link (SVG)', params: idParams } }, async (req, reply) => {
    assertId('opt-in source', req.params.id);
    const { url } = await optinLinkOf(ctxOf(req, deps), req.params.id);
    const svg = await renderQr(url, 'svg');
    return reply.type('image/svg+xml; charset=utf-8').header('cache-control', 'private, no-cache').header('content-disposition', `inline; filename="optin-${req.params.id}.svg"`).send(svg);
  });
}
