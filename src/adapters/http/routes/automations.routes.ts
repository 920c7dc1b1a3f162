import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  automationOut,
  automationStepsCsv,
  changeAutomationStatus,
  createAutomation,
  createAutomationIn,
  createFromRecipe,
  fromRecipeIn,
  listRecipes,
  recipeOut,
  enrollIn,
  enrollInAutomation,
  getAutomation,
  listAutomationRuns,
  listContactRuns,
  contactRunOut,
  listAutomations,
  publishAutomation,
  RUN_STATES,
  runOut,
  startTestRun,
  testRunIn,
  updateAutomation,
  updateAutomationIn,
} from '../../../modules/automations/index.js';
import { ctxOf, runMutation, type RequestDeps } from '../request-context.js';
import { assertId, idParams, pageOf, pageQuery } from '../schemas.js';

const contactRunsQuery = pageQuery.extend({
  limit: z.coerce.number().int().min(1, 'must be at least 1').max(200, 'must be at most 200').default(50),
  order: z.enum(['running_first', 'newest']).default('running_first'),
});

const checkId = (id: string): void => assertId('automation', id);

const enrollOut = z.object({ enrolled: z.number(), skipped: z.number().describe('already in it, or inside the re-entry cool-down'), unknown: z.number().describe('ids or phones that are not contacts of this workspace') });

/** Automations: drafts, published versions, pause/resume/archive, enrolment by API, and runs with their steps. */
export function automationRoutes(app: FastifyInstance, deps: RequestDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const read = { permission: 'contacts:read' as const };
  const manage = { permission: 'broadcasts:manage' as const };
  const tags = ['automations'];
  r.post('/api/v1/automations', { config: manage, schema: { tags, summary: 'Create a draft automation (its definition is checked: 422 AUTOMATION_INVALID names each problem)', body: createAutomationIn, response: { 201: automationOut } } }, (req, reply) =>
    runMutation(req, reply, deps, 201, (ctx) => createAutomation(ctx, req.body)),
  );
  r.get('/api/v1/automations/recipes', { config: read, schema: { tags, summary: 'Ready automations to start from, with the templates and attributes each needs', response: { 200: z.object({ data: z.array(recipeOut) }) } } }, () => ({
    data: listRecipes(),
  }));
  r.post(
    '/api/v1/automations/recipes/:key',
    { config: manage, schema: { tags, summary: 'Create a draft automation from a recipe (missing attributes it needs are defined)', params: z.object({ key: z.string().max(64) }), body: fromRecipeIn, response: { 201: automationOut } } },
    (req, reply) => runMutation(req, reply, deps, 201, (ctx) => createFromRecipe(ctx, req.params.key, req.body)),
  );
  r.get('/api/v1/automations', { config: read, schema: { tags, summary: 'All automations, newest first, with run counts', response: { 200: z.object({ data: z.array(automationOut), next_cursor: z.null() }) } } }, async (req) => ({
    data: await listAutomations(ctxOf(req, deps)),
    next_cursor: null,
  }));
  r.get('/api/v1/automations/:id', { config: read, schema: { tags, summary: 'One automation: its draft, published version and run counts', params: idParams, response: { 200: automationOut } } }, (req) => {
    checkId(req.params.id);
    return getAutomation(ctxOf(req, deps), req.params.id);
  });
  r.get(
    '/api/v1/automations/:id/steps.csv',
    { config: read, schema: { tags, summary: 'Per-step funnel as CSV: what each step did, how far its messages got, conversions and revenue', params: idParams, produces: ['text/csv'] } },
    async (req, reply) => {
      checkId(req.params.id);
      const lines = await automationStepsCsv(ctxOf(req, deps), req.params.id);
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="automation-${req.params.id}-steps.csv"`).header('cache-control', 'no-store').send(lines.join(''));
    },
  );
  r.patch('/api/v1/automations/:id', { config: manage, schema: { tags, summary: 'Rename or edit the draft (runs keep their published version)', params: idParams, body: updateAutomationIn, response: { 200: automationOut } } }, (req, reply) => {
    checkId(req.params.id);
    return runMutation(req, reply, deps, 200, (ctx) => updateAutomation(ctx, req.params.id, req.body));
  });
  r.post('/api/v1/automations/:id/publish', { config: manage, schema: { tags, summary: 'Publish the draft as a new version: new runs start on it, waiting runs stay on theirs', params: idParams, response: { 200: automationOut } } }, (req, reply) => {
    checkId(req.params.id);
    return runMutation(req, reply, deps, 200, (ctx) => publishAutomation(ctx, req.params.id));
  });
  for (const action of ['pause', 'resume', 'archive'] as const) {
    r.post(`/api/v1/automations/:id/${action}`, { config: manage, schema: { tags, summary: `${action[0]!.toUpperCase()}${action.slice(1)} the automation`, params: idParams, response: { 200: automationOut } } }, (req, reply) => {
      checkId(req.params.id);
      return runMutation(req, reply, deps, 200, (ctx) => changeAutomationStatus(ctx, req.params.id, action));
    });
  }
  r.post(
    '/api/v1/automations/:id/enrollments',
    { config: manage, schema: { tags, summary: 'Enrol contacts (by id, phone or saved segment) in the published version; send an Idempotency-Key to retry safely', params: idParams, body: enrollIn, response: { 200: enrollOut } } },
    (req, reply) => {
      checkId(req.params.id);
      return runMutation(req, reply, deps, 200, (ctx) => enrollInAutomation(ctx, req.params.id, req.body));
    },
  );
  r.post(
    '/api/v1/automations/:id/test-runs',
    {
      config: manage,
      schema: { tags, summary: 'Start a test run: one contact goes through the published version now, even after an earlier run (consent is checked at each send as for anyone)', params: idParams, body: testRunIn, response: { 201: runOut } },
    },
    (req, reply) => {
      checkId(req.params.id);
      return runMutation(req, reply, deps, 201, (ctx) => startTestRun(ctx, req.params.id, req.body));
    },
  );
  r.get(
    '/api/v1/automations/:id/runs',
    {
      config: read,
      schema: {
        tags,
        summary: `Runs, newest first (at most 500), each with its steps: sent, waited, deferred or skipped and why (state: ${RUN_STATES.join(', ')})`,
        params: idParams,
        querystring: z.object({ state: z.enum(RUN_STATES).optional(), contact_id: z.uuid().optional() }),
        response: { 200: z.object({ data: z.array(runOut) }) },
      },
    },
    async (req) => {
      checkId(req.params.id);
      return { data: await listAutomationRuns(ctxOf(req, deps), req.params.id, req.query) };
    },
  );
  r.get(
    '/api/v1/contacts/:id/automation-runs',
    {
      config: read,
      schema: {
        tags,
        summary: "A contact's automation runs across automations, keyset-paged: running ones first then the newest (order=running_first, the default), or newest enrolment first (order=newest)",
        params: idParams,
        querystring: contactRunsQuery,
        response: { 200: pageOf(contactRunOut) },
      },
    },
    async (req) => {
      assertId('contact', req.params.id);
      return listContactRuns(ctxOf(req, deps), req.params.id, req.query);
    },
  );
}
