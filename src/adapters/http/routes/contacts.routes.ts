import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, notFound } from '../../../lib/errors.js';
import { findContactByPhone, getContact } from '../../../modules/contacts/index.js';
import { ctxOf, type RequestDeps } from '../request-context.js';
import { idParams, isUuid } from '../schemas.js';

const contactOut = z.object({
  id: z.string(),
  phone: z.string(),
  wa_id: z.string().nullable(),
  name: z.string().nullable(),
  profile_name: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

/** Reading contacts (creation, search and consent arrive with the contacts & consent work). */
export function contactRoutes(app: FastifyInstance, deps: RequestDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const config = { permission: 'contacts:read' as const };
  const tags = ['contacts'];
  r.get(
    '/api/v1/contacts',
    { config, schema: { tags, summary: 'Look a contact up by phone number (E.164)', querystring: z.object({ phone: z.string() }), response: { 200: z.object({ data: z.array(contactOut), next_cursor: z.null() }) } } },
    async (req) => {
      if (!/^\+[1-9]\d{6,14}$/.test(req.query.phone)) {
        throw new AppError('PHONE_INVALID', 'phone must be in E.164 form, e.g. +14155550123 (URL-encode the + as %2B)', { field: 'phone' });
      }
      const found = await findContactByPhone(ctxOf(req, deps), req.query.phone);
      return { data: found ? [found] : [], next_cursor: null };
    },
  );
  r.get('/api/v1/contacts/:id', { config, schema: { tags, summary: 'One contact', params: idParams, response: { 200: contactOut } } }, (req) => {
    if (!isUuid(req.params.id)) throw notFound('contact', req.params.id);
    return getContact(ctxOf(req, deps), req.params.id);
  });
}
