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
 * Counts failures per key (an IP, an account) in a fixed window. Per process: this is protection,
 * not correctness, and keeps no shared state (design.md §10, rate limiting).
 */
export class FailureCounter {
  private readonly entries = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Seconds until `key` may try again, or 0 when it is under the limit. */
  blockedFor(key: string, now: number): number {
    const f = this.entries.get(key);
    if (!f || now - f.since > this.windowMs || f.count < this.max) return 0;
    return Math.max(1, Math.ceil((f.since + this.windowMs - now) / 1000));
  }

  /** Records one failure of `key`. */
  note(key: string, now: number): void {
    const f = this.entries.get(key);
    if (!f || now - f.since > this.windowMs) this.entries.set(key, { count: 1, since: now });
    else f.count++;
    if (this.entries.size > 10_000) this.entries.clear();
  }

  /** Forgets `key` (after a success). */
  clear(key: string): void {
    this.entries.delete(key);
  }
}

/**
 * Authenticates every /api/v1 route unless it is marked public: a Bearer API key, or the session
 * cookie (plus the CSRF header on writes). Repeated failures from one IP are throttled, and
 * permissions are checked per route.
 */
export function installAuth(app: FastifyInstance, deps: RequestDeps): void {
  // Throttling failures is protection, not correctness: per process is enough (keys are 256-bit).
  const failures = new FailureCounter(MAX_FAILURES_PER_WINDOW, FAILURE_WINDOW_MS);

  // Only failures are throttled: a valid key or session from a throttled IP (an office NAT, a
  // proxy, a neighbour guessing keys) still works, so someone else's bad keys cannot lock it out.
  // Past the limit a bad credential gets 429 instead of 401.
  function reject(ip: string, now: number, err: AppError): never {
    const wait = failures.blockedFor(ip, now);
    failures.note(ip, now);
    if (wait > 0) throw new AppError('RATE_LIMITED', `too many failed authentication attempts from this address; wait ${wait} s`, { retry_after_seconds: wait }, true);
    throw err;
  }

  async function authenticate(req: FastifyRequest): Promise<void> {
    const now = deps.clock.now();
    const header = req.headers.authorization;
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      const principal = m ? await authenticateApiKey(deps.db, m[1]!, now) : undefined;
      if (!principal) reject(req.ip, now.getTime(), new AppError('AUTH_INVALID', 'the API key is not valid or was revoked; create a new one with: npx greenlist apikey create'));
      req.principal = principal;
      return;
    }
    const cookie = req.cookies?.[SESSION_COOKIE];
    if (cookie) {
      const principal = await authenticateSession(deps.db, cookie, now);
      if (!principal) reject(req.ip, now.getTime(), new AppError('AUTH_INVALID', 'your session has ended; log in again'));
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
