import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../../lib/errors.js';
import {
  attributeDefinitionIn,
  attributeDefinitionOut,
  bulkTag,
  bulkTagIn,
  contactCountOut,
  contactFilter,
  contactOut,
  countContacts,
  createContact,
  createContactIn,
  defineAttribute,
  findContactByPhone,
  getContact,
  listAttributes,
  listContacts,
  updateContact,
  updateContactIn,
} from '../../../modules/contacts/index.js';
import { evaluateLifecycleFor } from '../../../modules/lifecycle/index.js';
import { consentEventIn, consentEventOut, consentViewOut, getContactConsent, grantedTopicKeysOf, recordContactConsent } from '../../../modules/consent/index.js';
import { lastEngagedOf } from '../../../modules/engagement/index.js';
import type { Ctx } from '../../../modules/context.js';
import { eraseContact, exportContact } from '../../../modules/privacy/index.js';
import { ctxOf, runMutation, type RequestDeps } from '../request-context.js';
import { assertId, idParams, pageOf, pageQuery } from '../schemas.js';

/** A row of the contact list: the contact, the topics it has consent for now, and when it last engaged. */
const contactListItemOut = contactOut.extend({
  consent: z.array(z.string()).describe('keys of the topics this contact has consent for now'),
  last_engaged_at: z.string().nullable().describe('the latest inbound message, read, click or customer event; null when never'),
});
type ContactListItem = z.infer<typeof contactListItemOut>;

/** Adds consent and last engagement to a page of contacts: two indexed lookups for the page, whatever the list's size. */
async function withListColumns(ctx: Ctx, rows: z.infer<typeof contactOut>[]): Promise<ContactListItem[]> {
  const ids = rows.map((c) => c.id);
  const [consent, engaged] = await Promise.all([grantedTopicKeysOf(ctx.db, ctx.workspaceId, ids), lastEngagedOf(ctx.db, ctx.workspaceId, ids)]);
  return rows.map((c) => ({ ...c, consent: consent.get(c.id) ?? [], last_engaged_at: engaged.get(c.id) ?? null }));
}

/** Contacts: create, read, update, erase, search, bulk tag, attributes, consent and data-subject export. */
export function contactRoutes(app: FastifyInstance, deps: RequestDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const read = { permission: 'contacts:read' as const };
  const write = { permission: 'contacts:write' as const };
  const tags = ['contacts'];

  r.post('/api/v1/contacts', { config: write, schema: { tags, summary: 'Create a contact (no consent: record it with POST /contacts/{id}/consent)', body: createContactIn, response: { 201: contactOut } } }, (req, reply) =>
    runMutation(req, reply, deps, 201, (ctx) => createContact(ctx, req.body)),
  );
  r.get(
    '/api/v1/contacts',
    { config: read, schema: { tags, summary: 'List and search contacts, or look one up by E.164 phone; each row also says which topics it has consent for and when it last engaged', querystring: pageQuery.extend(contactFilter.shape).extend({ phone: z.string().max(40).optional() }), response: { 200: pageOf(contactListItemOut) } } },
    async (req) => {
      const { phone, ...rest } = req.query;
      const ctx = ctxOf(req, deps);
      if (phone !== undefined) {
        if (!/^\+[1-9]\d{6,14}$/.test(phone)) throw new AppError('PHONE_INVALID', 'phone must be in E.164 form, e.g. +14155550123 (URL-encode the + as %2B)', { field: 'phone' });
        const found = await findContactByPhone(ctx, phone);
        return { data: await withListColumns(ctx, found ? [found] : []), next_cursor: null };
      }
      const page = await listContacts(ctx, rest);
      return { ...page, data: await withListColumns(ctx, page.data) };
    },
  );
  r.get(
    '/api/v1/contacts/count',
    {
      config: read,
      schema: {
        tags,
        summary: 'How many contacts match the filters GET /contacts takes: exact up to 100,000, an estimate (exact: false) above; a separate call, so a list page never waits for it',
        querystring: contactFilter,
        response: { 200: contactCountOut },
      },
    },
    (req) => countContacts(ctxOf(req, deps), req.query),
  );
  r.post('/api/v1/contacts/bulk-tag', { config: write, schema: { tags, summary: 'Add and remove tags on many contacts', body: bulkTagIn, response: { 200: z.object({ updated: z.number() }) } } }, (req, reply) =>
    runMutation(req, reply, deps, 200, (ctx) => bulkTag(ctx, req.body)),
  );
  r.get('/api/v1/contacts/:id', { config: read, schema: { tags, summary: 'One contact', params: idParams, response: { 200: contactOut } } }, (req) => {
    assertId('contact', req.params.id);
    return getContact(ctxOf(req, deps), req.params.id);
  });
  r.patch('/api/v1/contacts/:id', { config: write, schema: { tags, summary: 'Change a contact (attributes merge; null removes one)', params: idParams, body: updateContactIn, response: { 200: contactOut } } }, (req, reply) => {
    assertId('contact', req.params.id);
    return runMutation(req, reply, deps, 200, (ctx) => updateContact(ctx, req.params.id, req.body));
  });
  const erase = { config: write, schema: { tags, summary: 'Erase a contact: personal data deleted, consent proof tombstoned, number kept only as a suppression hash', params: idParams, response: { 200: z.object({ erased: z.literal(true) }) } } };
  r.delete('/api/v1/contacts/:id', erase, (req, reply) => {
    assertId('contact', req.params.id);
    return runMutation(req, reply, deps, 200, (ctx) => eraseContact(ctx, req.params.id));
  });
  r.post('/api/v1/contacts/:id/erase', erase, (req, reply) => {
    assertId('contact', req.params.id);
    return runMutation(req, reply, deps, 200, (ctx) => eraseContact(ctx, req.params.id));
  });
  r.get('/api/v1/contacts/:id/export', { config: read, schema: { tags, summary: 'Everything held about the contact (access / portability), as JSON', params: idParams } }, (req, reply) => {
    assertId('contact', req.params.id);
    return runMutation(req, reply, deps, 200, (ctx) => exportContact(ctx, req.params.id));
  });
  r.get('/api/v1/contacts/:id/consent', { config: read, schema: { tags: ['consent'], summary: 'Proof of consent: state per topic and every ledger event with its evidence', params: idParams, response: { 200: consentViewOut } } }, (req) => {
    assertId('contact', req.params.id);
    return getContactConsent(ctxOf(req, deps), req.params.id);
  });
  r.post(
    '/api/v1/contacts/:id/consent',
    { config: write, schema: { tags: ['consent'], summary: 'Record a consent grant or withdrawal with its evidence', params: idParams, body: consentEventIn, response: { 201: consentEventOut } } },
    (req, reply) => {
      assertId('contact', req.params.id);
      return runMutation(req, reply, deps, 201, async (ctx) => {
        const event = await recordContactConsent(ctx, req.params.id, req.body);
        // Subscribing starts onboarding; withdrawing the last topic churns the contact: now, not at the next run.
        await evaluateLifecycleFor(ctx.db, ctx.workspaceId, [req.params.id], ctx.now);
        return event;
      });
    },
  );
  r.post('/api/v1/attributes', { config: write, schema: { tags, summary: 'Define a custom contact attribute and its type', body: attributeDefinitionIn, response: { 201: attributeDefinitionOut } } }, (req, reply) =>
    runMutation(req, reply, deps, 201, (ctx) => defineAttribute(ctx, req.body)),
  );
  r.get('/api/v1/attributes', { config: read, schema: { tags, summary: 'Custom attribute definitions', response: { 200: z.object({ data: z.array(attributeDefinitionOut), next_cursor: z.null() }) } } }, async (req) => {
    const ctx = ctxOf(req, deps);
    return { data: await listAttributes(ctx.db, ctx.workspaceId), next_cursor: null };
  });
}
