import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listAuditLog, type AuditRecord } from '../../../modules/audit/index.js';
import { getContacts } from '../../../modules/contacts/index.js';
import { principalNames } from '../../../modules/workspaces/index.js';
import type { Ctx } from '../../../modules/context.js';
import { ctxOf, type RequestDeps } from '../request-context.js';
import { pageOf, pageQuery } from '../schemas.js';

const auditRecord = z.object({
  id: z.number(),
  actor_type: z.string(),
  actor_id: z.string().nullable(),
  actor_name: z.string().nullable().describe("the user's name (or email) or the API key's name; null for the system, the CLI, or one since removed"),
  action: z.string(),
  target_type: z.string(),
  target_id: z.string().nullable(),
  target_name: z.string().nullable().describe("what the target is called now, for a contact, user or API key (a contact's name or phone; null once erased)"),
  details: z.record(z.string(), z.unknown()),
  request_id: z.string().nullable(),
  created_at: z.string(),
});

// Years the database's timestamps hold either way round (PostgreSQL has no year 0).
const instant = z.iso
  .datetime({ offset: true, message: 'use an ISO 8601 time with offset, e.g. "2026-12-01T00:00:00Z"' })
  .refine((v) => {
    const year = new Date(v).getUTCFullYear();
    return year >= 1970 && year <= 9999;
  }, 'use a time between the years 1970 and 9999');

const auditQuery = pageQuery.extend({
  action: z
    .string()
    .max(100)
    .regex(/^[a-z_]+(\.[a-z_]+)*(\.\*)?$/, 'use an action such as "consent.withdrawn", or a family such as "consent.*"')
    .optional()
    .describe('one action (`consent.withdrawn`) or a family (`consent.*`)'),
  target_type: z.string().max(100).optional(),
  target_id: z.string().max(100).optional(),
  actor_type: z.enum(['user', 'api_key', 'system', 'cli']).optional().describe('who acted: a user, an API key, the system (webhooks, sweeps) or the CLI'),
  actor_id: z.uuid('must be a user or API key id').optional(),
  contact_id: z.uuid('must be a contact id').optional().describe("entries about this contact (consent changes, edits, erasure)"),
  since: instant.optional().describe('entries at or after this time'),
  until: instant.optional().describe('entries before this time'),
});

/** Names of the actors and targets on one page: one statement per kind of thing named. */
async function withNames(ctx: Ctx, rows: AuditRecord[]): Promise<(AuditRecord & { actor_name: string | null; target_name: string | null })[]> {
  const principalIds = rows.flatMap((r) => [r.actor_id, r.target_type === 'user' || r.target_type === 'api_key' ? r.target_id : null]).filter((id): id is string => id !== null);
  const contactIds = [...new Set(rows.filter((r) => r.target_type === 'contact' && r.target_id).map((r) => r.target_id!))].filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  const [principals, contacts] = await Promise.all([principalNames(ctx, principalIds), getContacts(ctx, contactIds)]);
  return rows.map((r) => {
    const contact = r.target_type === 'contact' && r.target_id ? contacts.get(r.target_id) : undefined;
    const target = contact ? (contact.name ?? contact.profile_name ?? contact.phone) : r.target_type === 'user' || r.target_type === 'api_key' ? principals.get(r.target_id ?? '') : undefined;
    return { ...r, actor_name: (r.actor_id && principals.get(r.actor_id)) ?? null, target_name: target ?? null };
  });
}

/** Read access to the append-only audit log. */
export function auditRoutes(app: FastifyInstance, deps: RequestDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/audit-log',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags: ['audit'],
        summary: 'Audit log, newest first, with who and what by name',
        querystring: auditQuery,
        response: { 200: pageOf(auditRecord) },
      },
    },
    async (req) => {
      const q = req.query;
      const ctx = ctxOf(req, deps);
      const page = await listAuditLog(ctx, {
        limit: q.limit,
        ...(q.cursor ? { cursor: q.cursor } : {}),
        ...(q.action ? { action: q.action } : {}),
        ...(q.target_type ? { targetType: q.target_type } : {}),
        ...(q.target_id ? { targetId: q.target_id } : {}),
        ...(q.actor_type ? { actorType: q.actor_type } : {}),
        ...(q.actor_id ? { actorId: q.actor_id } : {}),
        ...(q.contact_id ? { contactId: q.contact_id } : {}),
        ...(q.since ? { since: new Date(q.since) } : {}),
        ...(q.until ? { until: new Date(q.until) } : {}),
      });
      return { ...page, data: await withNames(ctx, page.data) };
    },
  );
}
