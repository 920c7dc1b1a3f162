import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { getWorkspace, updateWorkspace, updateWorkspaceIn, workspaceOut } from '../../../modules/workspaces/index.js';
import { ctxOf, runMutation, type RequestDeps } from '../request-context.js';
import { preferenceKeywordClashes, type PreferenceSettings } from '../../../modules/preferences/index.js';
import type { KeywordSettings } from '../../../modules/consent/index.js';
import { AppError } from '../../../lib/errors.js';
import { getOnboardingFacts, onboardingOut } from '../../../modules/onboarding/index.js';

/** The caller's own workspace. */
export function workspaceRoutes(app: FastifyInstance, deps: RequestDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/api/v1/workspace', { config: { permission: 'workspace:read' }, schema: { tags: ['workspace'], summary: 'The workspace this key belongs to', response: { 200: workspaceOut } } }, (req) =>
    getWorkspace(ctxOf(req, deps)),
  );
  // Every role that sees the Overview reads it (workspace:read): the checklist shows on everyone's first tab.
  r.get(
    '/api/v1/workspace/onboarding',
    { config: { permission: 'workspace:read' }, schema: { tags: ['workspace'], summary: "The getting-started checklist's facts: which steps the workspace has done, in one answer", response: { 200: onboardingOut } } },
    (req) => getOnboardingFacts(ctxOf(req, deps)),
  );
  r.patch(
    '/api/v1/workspace',
    { config: { permission: 'workspace:manage' }, schema: { tags: ['workspace'], summary: 'Rename or change settings', body: updateWorkspaceIn, response: { 200: workspaceOut } } },
    (req, reply) =>
      runMutation(req, reply, deps, 200, async (ctx) => {
        const out = await updateWorkspace(ctx, req.body);
        checkKeywordClashes(out.settings);
        return out;
      }),
  );
}

/**
 * A preference word may not also be a STOP or START word (STOP must keep its meaning): checked on
 * the settings as they would be after the change, so the request's transaction rolls back.
 */
function checkKeywordClashes(settings: Record<string, unknown>): void {
  const clashes = preferenceKeywordClashes(settings.preferences as PreferenceSettings | undefined, settings.opt_out as KeywordSettings | undefined);
  if (clashes.length === 0) return;
  const field = 'settings.preferences.keywords';
  throw new AppError('VALIDATION_FAILED', `${field}: ${clashes.map((w) => `"${w}"`).join(', ')} is also a STOP or START word; choose another word or add it to settings.preferences.disabled_keywords`, {
    path: field,
    fields: [{ field, message: `clashes with an opt-out keyword: ${clashes.join(', ')}` }],
  });
}
