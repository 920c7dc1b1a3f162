import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listAuditLog } from '../../../modules/audit/index.js';
import { ctxOf, type RequestDeps } from '../request-context.js';
import { pageOf, pageQuery } from '../schemas.js';

const auditRecord = z.object({
  id: z.number(),
  actor_type: z.string(),
  actor_id: z.string().nullable(),
  action: z.string(),
  target_type: z.string(),
  target_id: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  request_id: z.string().nullable(),
  created_at: z.string(),
});

/** Read access to the append-only audit log. */
export function auditRoutes(app: FastifyInstance, deps: RequestDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/audit-log',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags: ['audit'],
        summary: 'Audit log, newest first',
        querystring: pageQuery.extend({ action: z.string().max(100).optional(), target_type: z.string().max(100).optional(), target_id: z.string().max(100).optional() }),
        response: { 200: pageOf(auditRecord) },
      },
    },
    (req) => {
      const q = req.query;
      return listAuditLog(ctxOf(req, deps), {
        limit: q.limit,
        ...(q.cursor ? { cursor: q.cursor } : {}),
        ...(q.action ? { action: q.action } : {}),
        ...(q.target_type ? { targetType: q.target_type } : {}),
        ...(q.target_id ? { targetId: q.target_id } : {}),
      });
    },
  );
}
