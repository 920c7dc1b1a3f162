import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, isAppError } from '../../../lib/errors.js';
import { linkedWorkspaceOut, listLinkedWorkspaces, logIn, logOut, loginIn, PERMISSIONS, permissionsOf, ROLES, SESSION_TTL_MS, switchWorkspace, switchWorkspaceIn, type Role } from '../../../modules/workspaces/index.js';
import { FailureCounter, SESSION_COOKIE } from '../auth.js';
import { ctxOf, runMutation, type RequestDeps } from '../request-context.js';

const meOut = z.object({
  workspace_id: z.string(),
  actor: z.object({ type: z.string(), id: z.string().nullable(), role: z.enum(ROLES) }),
  permissions: z.array(z.enum(PERMISSIONS)).describe("what the caller's role may do (the admin UI shows only the controls it allows)"),
});

// Per account (workspace + email), across every IP: the per-IP limit alone is no defence against
// guessing from many addresses (or one address that spoofs X-Forwarded-For).
const ACCOUNT_FAILURES = 10;
const ACCOUNT_WINDOW_MS = 15 * 60_000;

function setSessionCookie(reply: FastifyReply, token: string, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'strict', secure, maxAge: Math.floor(SESSION_TTL_MS / 1000) });
}

function meOf(s: { workspaceId: string; userId: string; role: Role }) {
  return { workspace_id: s.workspaceId, actor: { type: 'user', id: s.userId, role: s.role }, permissions: permissionsOf(s.role) };
}

function sessionIdOf(req: FastifyRequest): string {
  const sessionId = req.principal?.sessionId;
  if (!sessionId) throw new AppError('AUTH_REQUIRED', 'this needs an admin UI session cookie (log in); API keys belong to one workspace');
  return sessionId;
}

/** Admin UI login/logout, switching workspace, and "who am I". */
export function authRoutes(app: FastifyInstance, deps: RequestDeps, opts: { secureCookies: boolean }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const accountFailures = new FailureCounter(ACCOUNT_FAILURES, ACCOUNT_WINDOW_MS);
  const tags = ['auth'];
  r.post(
    '/api/v1/auth/login',
    {
      config: { public: true, rateLimit: { max: 10, timeWindow: 60_000, keyGenerator: (req) => `login:${req.ip}` } },
      schema: { tags, summary: 'Log in to the admin UI (sets the session cookie)', body: loginIn, response: { 200: meOut } },
    },
    async (req, reply) => {
      const now = deps.clock.now();
      const account = `${req.body.workspace}\n${req.body.email.toLowerCase()}`;
      // Refused even with the right password while locked: otherwise guessing would simply go on.
      const wait = accountFailures.blockedFor(account, now.getTime());
      if (wait > 0) throw new AppError('RATE_LIMITED', `too many failed logins for this account; wait ${Math.ceil(wait / 60)} min`, { retry_after_seconds: wait }, true);
      const s = await logIn(deps.db, req.body, { now, log: req.log, requestId: req.id }).catch((err: unknown) => {
        if (isAppError(err, 'AUTH_LOGIN_FAILED')) accountFailures.note(account, now.getTime());
        throw err;
      });
      accountFailures.clear(account);
      setSessionCookie(reply, s.token, opts.secureCookies);
      return meOf(s);
    },
  );
  r.get(
    '/api/v1/auth/workspaces',
    { schema: { tags, summary: 'The workspaces this login may switch to (same email, password proven at login), the current one marked', response: { 200: z.object({ data: z.array(linkedWorkspaceOut) }) } } },
    async (req) => ({ data: await listLinkedWorkspaces(ctxOf(req, deps), sessionIdOf(req)) }),
  );
  r.post(
    '/api/v1/auth/switch',
    { schema: { tags, summary: 'Move the session to another workspace of this login (sets a new session cookie)', body: switchWorkspaceIn, response: { 200: meOut } } },
    async (req, reply) => {
      const sessionId = sessionIdOf(req);
      const base = ctxOf(req, deps);
      const s = await deps.db.transaction((tx) => switchWorkspace({ ...base, db: tx }, sessionId, req.body));
      setSessionCookie(reply, s.token, opts.secureCookies);
      return meOf(s);
    },
  );
  r.post('/api/v1/auth/logout', { schema: { tags, summary: 'End the current session (and its linked sessions in other workspaces)', response: { 204: z.null() } } }, async (req, reply) => {
    const sessionId = sessionIdOf(req);
    await runMutation(req, reply, deps, 204, (ctx) => logOut(ctx, sessionId));
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return null;
  });
  r.get('/api/v1/auth/me', { schema: { tags, summary: 'The authenticated caller', response: { 200: meOut } } }, (req) => {
    const ctx = ctxOf(req, deps);
    return { workspace_id: ctx.workspaceId, actor: ctx.actor, permissions: permissionsOf(ctx.actor.role as Role) };
  });
}
