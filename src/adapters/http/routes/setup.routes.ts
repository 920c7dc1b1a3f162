import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { countriesWithCallingCodes } from '../../../lib/phone/index.js';
import { completeSetup, isSetupNeeded, PERMISSIONS, permissionsOf, ROLES, SESSION_TTL_MS, setupIn, setupStatusOut } from '../../../modules/workspaces/index.js';
import { SESSION_COOKIE } from '../auth.js';
import type { RequestDeps } from '../request-context.js';

const setupOut = z.object({
  workspace_id: z.string(),
  actor: z.object({ type: z.string(), id: z.string().nullable(), role: z.enum(ROLES) }),
  // As GET /auth/me and login answer: the admin app shows the new owner's controls from it at once.
  permissions: z.array(z.enum(PERMISSIONS)).describe("what the owner's role may do (the admin UI shows only the controls it allows)"),
});

/** First-run setup: public, and refused once any user exists. */
export function setupRoutes(app: FastifyInstance, deps: RequestDeps, opts: { secureCookies: boolean }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['auth'];
  r.get(
    '/api/v1/setup',
    { config: { public: true }, schema: { tags, summary: 'Whether first-run setup is still open (no user exists yet)', response: { 200: setupStatusOut } } },
    async () => ({
      setup_needed: await isSetupNeeded(deps.db),
      countries: countriesWithCallingCodes().map((c) => ({ code: c.code, calling_code: c.callingCode })),
    }),
  );
  r.post(
    '/api/v1/setup',
    {
      config: { public: true, rateLimit: { max: 10, timeWindow: 60_000, keyGenerator: (req) => `setup:${req.ip}` } },
      schema: {
        tags,
        summary: 'Create the first owner with the one-time token from the setup link (sets the session cookie)',
        description:
          'A server started with no user prints a setup link, `<public url>/setup#token=…`, valid once and for 24 hours. This creates the owner in the `default` workspace, names the business (the workspace name, used in welcome and STOP texts), sets the default country and time zone, and logs the owner in. Refused with SETUP_DONE once any user exists.',
        body: setupIn,
        response: { 200: setupOut },
      },
    },
    async (req, reply) => {
      const s = await completeSetup(deps.db, req.body, { now: deps.clock.now(), log: req.log, requestId: req.id });
      reply.setCookie(SESSION_COOKIE, s.token, { path: '/', httpOnly: true, sameSite: 'strict', secure: opts.secureCookies, maxAge: Math.floor(SESSION_TTL_MS / 1000) });
      return { workspace_id: s.workspaceId, actor: { type: 'user', id: s.userId, role: s.role }, permissions: permissionsOf(s.role) };
    },
  );
}
