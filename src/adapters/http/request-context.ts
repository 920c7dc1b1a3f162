import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { SecretBox } from '../../lib/secrets.js';
import type { WhatsAppGateway } from '../../modules/messaging/index.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../lib/errors.js';
import type { Clock } from '../../lib/clock.js';
import type { Actor, Ctx, Db } from '../../modules/context.js';
import { claimIdempotencyKey, saveIdempotentResponse } from '../../modules/idempotency/index.js';

/** The authenticated caller of an /api/v1 request. */
export interface Principal {
  workspaceId: string;
  actor: Actor;
  sessionId?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** What route handlers need to build a use-case context. */
export interface RequestDeps {
  db: Db;
  clock: Clock;
}

/** Builds the use-case context for an authenticated request (not in a transaction). */
export function ctxOf(req: FastifyRequest, deps: RequestDeps): Ctx {
  const p = req.principal;
  if (!p) throw new AppError('AUTH_REQUIRED', 'send an API key in the Authorization header: Bearer <key>');
  return { db: deps.db, workspaceId: p.workspaceId, actor: p.actor, now: deps.clock.now(), log: req.log, requestId: req.id };
}

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

function hashRequest(req: FastifyRequest): string {
  return createHash('sha256')
    .update(`${req.method} ${req.routeOptions.url ?? req.url}\n${JSON.stringify(req.params ?? {})}\n${JSON.stringify(req.body ?? null)}`)
    .digest('hex');
}

/** Options of `runMutation`. */
export interface MutationOptions<T> {
  /**
   * What of the response an Idempotency-Key replay may return. Responses that carry a secret (a new
   * API key) must keep only metadata: the stored response would otherwise hold the secret in clear
   * in the database (and its WAL) for 24 h.
   */
  replayable?: (body: T) => unknown;
}

/**
 * Runs a mutation in one transaction with its audit row and, when the request carries an
 * Idempotency-Key, with the key's claim and stored response, so the change, the audit entry and
 * the replayable response commit (or roll back) together. Replays go only to the same caller.
 */
export async function runMutation<T>(
  req: FastifyRequest,
  reply: FastifyReply,
  deps: RequestDeps,
  status: number,
  work: (ctx: Ctx) => Promise<T>,
  opts: MutationOptions<T> = {},
): Promise<T> {
  const base = ctxOf(req, deps);
  const rawKey = req.headers['idempotency-key'];
  const key = req.method === 'POST' && typeof rawKey === 'string' ? rawKey : undefined;
  if (key !== undefined && !KEY_PATTERN.test(key)) {
    throw new AppError('IDEMPOTENCY_KEY_INVALID', 'Idempotency-Key must be 1-255 printable ASCII characters, e.g. a UUID', {
      header: 'Idempotency-Key',
    });
  }
  const outcome = await deps.db.transaction(async (tx) => {
    const ctx: Ctx = { ...base, db: tx };
    if (key === undefined) return { status, body: await work(ctx) };
    const claim = await claimIdempotencyKey(ctx, key, hashRequest(req));
    if (claim.kind === 'replay') return { status: claim.statusCode, body: claim.body as T, replayed: true };
    const body = await work(ctx);
    await saveIdempotentResponse(ctx, key, status, (opts.replayable ? opts.replayable(body) : body) ?? null);
    return { status, body };
  });
  if ('replayed' in outcome) reply.header('idempotent-replayed', 'true');
  reply.code(outcome.status);
  return outcome.body;
}

/** What feature routes that talk to WhatsApp or build public links need besides the database. */
export interface FeatureDeps extends RequestDeps {
  box: SecretBox;
  gateway: WhatsAppGateway;
  publicUrl: string;
  log: Logger;
  /** Where uploads are spooled (the data directory's uploads folder; the system temp dir in tests). */
  uploadDir?: string;
}
