import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { NumberState, SimContext } from './context.js';
import { faultError, isRejectingFault, pickFault } from './faults.js';
import { authenticate, callerNumber, callerWaba, unknownObject, type GraphCaller } from './graph-auth.js';
import { GraphError } from './graph-errors.js';
import { baseUrlOf, mediaView } from './media-routes.js';
import { DEFAULT_TEMPLATE_FIELDS, templateFields } from './templates.js';

type Query = Record<string, string | undefined>;
type IdParams = { version: string; id: string };

const PHONE_DEFAULT_FIELDS = ['verified_name', 'code_verification_status', 'display_phone_number', 'quality_rating', 'platform_type', 'throughput', 'id'];

function fieldList(q: Query, defaults: readonly string[]): string[] {
  return q.fields ? q.fields.split(',').map((f) => f.trim()).filter(Boolean) : [...defaults];
}

function pickFields(all: Record<string, unknown>, fields: string[], nodeType: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (!(f in all)) throw new GraphError(100, { message: `(#100) Tried accessing nonexisting field (${f}) on node type (${nodeType})`, noErrorData: true });
    out[f] = all[f];
  }
  out.id = all.id;
  return out;
}

/** `GET /{phone-number-id}` fields. */
export function phoneNumberInfo(n: NumberState, fields: string[]): Record<string, unknown> {
  const c = n.config;
  return pickFields(
    {
      id: c.phoneNumberId,
      display_phone_number: c.displayNumber,
      verified_name: c.verifiedName,
      quality_rating: c.qualityRating,
      throughput: { level: c.mps >= 1000 ? 'HIGH' : 'STANDARD' },
      messaging_limit_tier: c.messagingLimitTier,
      code_verification_status: 'VERIFIED',
      name_status: 'APPROVED',
      platform_type: 'CLOUD_API',
      status: 'CONNECTED',
      account_mode: c.allowedRecipients ? 'SANDBOX' : 'LIVE',
      is_official_business_account: false,
    },
    fields,
    'WhatsAppBusinessPhoneNumber',
  );
}

function guard(ctx: SimContext, endpoint: 'phone_number' | 'media' | 'templates', phoneNumberId?: string): void {
  const fault = pickFault(ctx, endpoint, phoneNumberId);
  if (isRejectingFault(fault)) throw faultError(fault);
}

function readObject(ctx: SimContext, req: FastifyRequest<{ Params: IdParams; Querystring: Query }>, caller: GraphCaller): Record<string, unknown> {
  const id = req.params.id;
  if (ctx.numbers.has(id)) {
    const n = callerNumber(caller, id, 'GET');
    guard(ctx, 'phone_number', id);
    return phoneNumberInfo(n, fieldList(req.query, PHONE_DEFAULT_FIELDS));
  }
  const media = ctx.media.get(id, ctx.clock.now());
  if (media) {
    if (!caller.numbers.some((n) => n.config.phoneNumberId === media.phoneNumberId)) throw unknownObject(id, 'GET');
    guard(ctx, 'media', media.phoneNumberId);
    return mediaView(ctx, req, media);
  }
  const template = ctx.templates.get(id);
  if (template) {
    callerWaba(caller, template.wabaId, 'GET');
    return templateFields(template, fieldList(req.query, DEFAULT_TEMPLATE_FIELDS));
  }
  const waba = caller.numbers.find((n) => n.config.wabaId === id);
  if (waba) {
    return pickFields(
      { id, name: `${waba.config.verifiedName} WABA`, currency: 'USD', timezone_id: '1', message_template_namespace: `sim_${id}` },
      fieldList(req.query, ['id', 'name', 'currency', 'timezone_id', 'message_template_namespace']),
      'WhatsAppBusinessAccount',
    );
  }
  throw unknownObject(id, 'GET');
}

/** Registers phone-number info, media get/delete, WABA info and template management. */
export function registerGraphRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.get<{ Params: IdParams; Querystring: Query }>('/:version/:id', async (req) => readObject(ctx, req, authenticate(ctx, req, req.params.version)));

  app.delete<{ Params: IdParams }>('/:version/:id', async (req) => {
    const caller = authenticate(ctx, req, req.params.version);
    const media = ctx.media.get(req.params.id, ctx.clock.now());
    if (!media || !caller.numbers.some((n) => n.config.phoneNumberId === media.phoneNumberId)) throw unknownObject(req.params.id, 'DELETE');
    guard(ctx, 'media', media.phoneNumberId);
    ctx.media.delete(media.id);
    return { success: true };
  });

  app.get<{ Params: IdParams }>('/:version/:id/phone_numbers', async (req) => {
    const numbers = callerWaba(authenticate(ctx, req, req.params.version), req.params.id, 'GET');
    return { data: numbers.map((n) => phoneNumberInfo(n, PHONE_DEFAULT_FIELDS)) };
  });

  app.get<{ Params: IdParams; Querystring: Query }>('/:version/:id/message_templates', async (req) => {
    const numbers = callerWaba(authenticate(ctx, req, req.params.version), req.params.id, 'GET');
    guard(ctx, 'templates', numbers[0]!.config.phoneNumberId);
    const q = req.query;
    const all = ctx.templates.list(req.params.id, { name: q.name, status: q.status, category: q.category, language: q.language });
    const limit = Math.min(Math.max(Number(q.limit ?? 25) || 25, 1), 1000);
    let start = 0;
    if (q.after) {
      const afterId = Buffer.from(q.after, 'base64url').toString('utf8');
      const at = all.findIndex((t) => t.id === afterId);
      if (at < 0) throw new GraphError(100, { details: 'The after cursor is not valid (the template may have been deleted).' });
      start = at + 1;
    }
    const page = all.slice(start, start + limit);
    const fields = fieldList(q, DEFAULT_TEMPLATE_FIELDS);
    const cursor = (id: string) => Buffer.from(id).toString('base64url');
    if (page.length === 0) return { data: [] };
    const more = start + limit < all.length;
    const next = new URL(`${baseUrlOf(req)}${req.url}`);
    next.searchParams.set('after', cursor(page[page.length - 1]!.id));
    return {
      data: page.map((t) => templateFields(t, fields)),
      paging: { cursors: { before: cursor(page[0]!.id), after: cursor(page[page.length - 1]!.id) }, ...(more ? { next: next.toString() } : {}) },
    };
  });

  app.post<{ Params: IdParams }>('/:version/:id/message_templates', async (req) => {
    const numbers = callerWaba(authenticate(ctx, req, req.params.version), req.params.id, 'POST');
    guard(ctx, 'templates', numbers[0]!.config.phoneNumberId);
    const t = ctx.templates.create(req.params.id, req.body);
    return { id: t.id, status: t.status, category: t.category };
  });

  app.delete<{ Params: IdParams; Querystring: Query }>('/:version/:id/message_templates', async (req) => {
    const numbers = callerWaba(authenticate(ctx, req, req.params.version), req.params.id, 'DELETE');
    guard(ctx, 'templates', numbers[0]!.config.phoneNumberId);
    if (!req.query.name) throw new GraphError(100, { message: '(#100) The parameter name is required.' });
    ctx.templates.remove(req.params.id, req.query.name, req.query.hsm_id);
    return { success: true };
  });
}
