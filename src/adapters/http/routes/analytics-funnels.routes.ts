import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordAudit } from '../../../modules/audit/index.js';
import { broadcastFunnels, broadcastFunnelsCsv, broadcastRecipientsCsv } from '../../../modules/broadcasts/index.js';
import { ctxOf, type FeatureDeps } from '../request-context.js';
import { assertId, idParams } from '../schemas.js';

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'not a calendar day')
  .refine((s) => s >= '1970-01-01', 'must be 1970-01-01 or later');

/** `?from=&to=&limit=`: broadcasts started in a range of days (default the last 90), at most `limit`. */
export const funnelQuery = z
  .object({
    from: day.optional().describe('first day (YYYY-MM-DD, workspace time zone); default 89 days before `to`'),
    to: day.optional().describe('last day (YYYY-MM-DD, workspace time zone); default today'),
    limit: z.coerce.number().int().min(1, 'must be at least 1').max(500, 'must be at most 500').default(20),
  })
  .superRefine((q, c) => {
    if (q.from && q.to && q.from > q.to) c.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  });

const rateOut = z.number().min(0).max(1).nullable();
/** One broadcast's funnel (the dashboard's contract). */
export const broadcastFunnelOut = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  template_name: z.string(),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  funnel: z.object({ planned: z.number(), skipped: z.number(), sent: z.number(), delivered: z.number(), read: z.number(), replied: z.number(), clicked: z.number(), converted: z.number().describe('contacts with a goal event credited (see conversions in the broadcast)'), opted_out: z.number(), failed: z.number() }),
  revenue: z.array(z.object({ currency: z.string(), amount: z.number() })).describe('credited revenue per currency (never added across currencies)'),
  rates: z.object({ delivered: rateOut, read: rateOut, replied: rateOut, clicked: rateOut, converted: rateOut, opted_out: rateOut }).describe('fractions of `sent`; null when nothing was sent'),
});

function range(q: z.infer<typeof funnelQuery>, now: Date): { from: string; to: string; limit: number } {
  const to = q.to ?? now.toISOString().slice(0, 10);
  const from = q.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 89 * 86_400_000).toISOString().slice(0, 10);
  return { from, to, limit: q.limit };
}

/**
 * Streams CSV as a download no cache keeps (exports carry personal data). Readable.from pulls only as
 * fast as the socket drains; highWaterMark 1 keeps at most one page (~300 KB) read ahead, not 16.
 */
function sendCsv(reply: FastifyReply, filename: string, lines: AsyncIterable<string>): FastifyReply {
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).header('cache-control', 'no-store').send(Readable.from(lines, { highWaterMark: 1 }));
}

/** Broadcast funnels: the list with rates, its CSV, and the per-recipient drill-down CSV. */
export function analyticsFunnelRoutes(app: FastifyInstance, deps: FeatureDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const read = { permission: 'contacts:read' as const };
  const tags = ['analytics'];
  r.get(
    '/api/v1/analytics/broadcasts',
    { config: read, schema: { tags, summary: 'Funnels of the broadcasts started in a range of days, newest first (drafts excluded)', querystring: funnelQuery, response: { 200: z.object({ data: z.array(broadcastFunnelOut) }) } } },
    async (req) => {
      const ctx = ctxOf(req, deps);
      return { data: await broadcastFunnels(ctx, range(req.query, ctx.now)) };
    },
  );
  r.get(
    '/api/v1/analytics/broadcasts.csv',
    { config: read, schema: { tags, summary: 'The broadcast funnels as CSV (same query)', querystring: funnelQuery, produces: ['text/csv'] } },
    async (req, reply) => {
      const ctx = ctxOf(req, deps);
      const q = range(req.query, ctx.now);
      const rows = await broadcastFunnels(ctx, q);
      return sendCsv(reply, `broadcast-funnels-${q.from}-${q.to}.csv`, broadcastFunnelsCsv(rows));
    },
  );
  r.get(
    '/api/v1/broadcasts/:id/recipients.csv',
    { config: read, schema: { tags: ['broadcasts'], summary: 'Per-recipient drill-down of a broadcast as CSV (streamed)', params: idParams, produces: ['text/csv'] } },
    async (req, reply) => {
      assertId('broadcast', req.params.id);
      const ctx = ctxOf(req, deps);
      const lines = await broadcastRecipientsCsv(ctx, req.params.id);
      await recordAudit(ctx, { action: 'broadcast.recipients_exported', targetType: 'broadcast', targetId: req.params.id, details: { format: 'csv' } });
      return sendCsv(reply, `broadcast-${req.params.id}-recipients.csv`, lines);
    },
  );
}
