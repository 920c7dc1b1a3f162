import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../lib/errors.js';
import { authenticateApiKey, authenticateSession, roleCan, type Permission } from '../../modules/workspaces/index.js';
import type { RequestDeps } from './request-context.js';

/** Per-route options read by the auth hook. */
export interface RouteAuthConfig {
  /** Route needs no credentials (health, login, docs). */
  public?: boolean;
  /** Permission the caller's role must carry. */
  permission?: Permission;
}

declare module 'fastify' {
  // Declaration merging needs an interface; it adds RouteAuthConfig's members to Fastify's route config.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface FastifyContextConfig extends RouteAuthConfig {}
}

/** Name of the admin UI session cookie. */
export const SESSION_COOKIE = 'greenlist_session';

/** Header the admin UI sends on every cookie-authenticated write (a cross-site form cannot set it). */
export const CSRF_HEADER = 'x-greenlist-csrf';

const FAILURE_WINDOW_MS = 60_000;
const MAX_FAILURES_PER_WINDOW = 30;

/**
 * Authenticates every /api/v1 route unless it is marked public: a Bearer API key, or the session
 * cookie (plus the CSRF header on writes). Repeated failures from one IP are throttled, and
 * permissions are checked per route.
 */
export function installAuth(app: FastifyInstance, deps: RequestDeps): void {
  // Throttling failures is protection, not correctness: per process is enough (keys are 256-bit).
  const failures = new Map<string, { count: number; since: number }>();

  function noteFailure(ip: string, now: number): void {
    const f = failures.get(ip);
    if (!f || now - f.since > FAILURE_WINDOW_MS) failures.set(ip, { count: 1, since: now });
    else f.count++;
    if (failures.size > 10_000) failures.clear();
  }

  async function authenticate(req: FastifyRequest): Promise<void> {
    const now = deps.clock.now();
    const f = failures.get(req.ip);
    if (f && now.getTime() - f.since <= FAILURE_WINDOW_MS && f.count >= MAX_FAILURES_PER_WINDOW) {
      throw new AppError('RATE_LIMITED', 'too many failed authentication attempts; wait a minute', { retry_after_seconds: 60 }, true);
    }
    const header = req.headers.authorization;
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      const principal = m ? await authenticateApiKey(deps.db, m[1]!, now) : undefined;
      if (!principal) {
        noteFailure(req.ip, now.getTime());
        throw new AppError('AUTH_INVALID', 'the API key is not valid or was revoked; create a new one with: npx greenlist apikey create');
      }
      req.principal = principal;
      return;
    }
    const cookie = req.cookies?.[SESSION_COOKIE];
    if (cookie) {
      const principal = await authenticateSession(deps.db, cookie, now);
      if (!principal) {
        noteFailure(req.ip, now.getTime());
        throw new AppError('AUTH_INVALID', 'your session has ended; log in again');
      }
      if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method) && req.headers[CSRF_HEADER] !== '1') {
        throw new AppError('CSRF_REJECTED', `cookie-authenticated writes must send the header ${CSRF_HEADER}: 1`, { header: CSRF_HEADER });
      }
      req.principal = principal;
      return;
    }
    throw new AppError('AUTH_REQUIRED', 'send an API key in the Authorization header: Bearer <key>');
  }

  app.addHook('onRequest', async (req) => {
    const url = req.routeOptions.url;
    if (!url || !url.startsWith('/api/v1/')) return;
    const config = req.routeOptions.config;
    if (config.public) return;
    await authenticate(req);
    const permission = config.permission;
    if (permission && !roleCan(req.principal!.actor.role, permission)) {
      throw new AppError('FORBIDDEN_ROLE', `this needs the ${permission} permission, which the ${req.principal!.actor.role} role does not have`);
    }
  });
}
