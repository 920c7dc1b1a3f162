import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getMaintenanceRun, listMaintenanceRuns, openRun, runHygiene, runLifecycle, type BulkPacing, type MaintenanceKind } from '../../../modules/lifecycle/index.js';
import { ctxOf, type RequestDeps } from '../request-context.js';
import { assertId, idParams } from '../schemas.js';

const runOut = z.object({
  id: z.string(),
  kind: z.string(),
  status: z.string(),
  counts: z.record(z.string(), z.number()),
  started_at: z.string(),
  finished_at: z.string().nullable(),
});

/**
 * Starting and following bulk runs: lifecycle evaluation and list hygiene. A run answers 202 with
 * its id and continues in this process; its lease keeps other processes from starting another.
 */
export function lifecycleRoutes(app: FastifyInstance, deps: RequestDeps & { log: Logger; pacing: BulkPacing }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const inflight = new Set<Promise<unknown>>();
  app.addHook('onClose', async () => {
    await Promise.allSettled([...inflight]);
  });
  const routes: { kind: MaintenanceKind; run: typeof runLifecycle; summary: string }[] = [
    { kind: 'lifecycle', run: runLifecycle, summary: 'Re-evaluate every contact now (engagement windows and stages)' },
    { kind: 'hygiene', run: runHygiene, summary: 'Run list hygiene now: retire unreachable numbers, archive (if enabled), purge expired opt-outs (if enabled)' },
  ];
  for (const { kind, run, summary } of routes) {
    const tags = [kind];
    r.post(`/api/v1/${kind}/runs`, { config: { permission: 'contacts:write' as const }, schema: { tags, summary, response: { 202: runOut } } }, async (req, reply) => {
      const ctx = ctxOf(req, deps);
      const id = await openRun(deps.db, ctx.workspaceId, kind, ctx.now);
      const job = run(deps.db, ctx.workspaceId, ctx.now, deps.log, { ...deps.pacing, runId: id })
        .catch(() => undefined)
        .finally(() => inflight.delete(job));
      inflight.add(job);
      reply.code(202);
      return getMaintenanceRun(ctx, id);
    });
    r.get(`/api/v1/${kind}/runs`, { config: { permission: 'contacts:read' as const }, schema: { tags, summary: `Recent ${kind} runs and what each changed`, response: { 200: z.object({ data: z.array(runOut), next_cursor: z.null() }) } } }, async (req) => ({
      data: await listMaintenanceRuns(ctxOf(req, deps), kind),
      next_cursor: null,
    }));
    r.get(`/api/v1/${kind}/runs/:id`, { config: { permission: 'contacts:read' as const }, schema: { tags, summary: `One ${kind} run`, params: idParams, response: { 200: runOut } } }, (req) => {
      assertId('run', req.params.id);
      return getMaintenanceRun(ctxOf(req, deps), req.params.id);
    });
  }
}
