import { and, eq, lt } from 'drizzle-orm';
import { AppError } from '../../lib/errors.js';
import type { Ctx, Db } from '../context.js';
import { idempotencyKeys } from './idempotency.tables.js';

/** How long a key's first response is replayed (Stripe keeps ≥ 24 h). */
export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;

/** Outcome of claiming a key: run the request, or replay the stored response. */
export type IdempotencyClaim = { kind: 'claimed' } | { kind: 'replay'; statusCode: number; body: unknown };

/**
 * The key as stored: prefixed with the caller (API key id or user id), so a key is only ever
 * replayed to the caller who first sent it. Another caller that happens to send the same key (or
 * guesses it) runs its own request instead of reading someone else's response.
 */
function scopedKey(ctx: Ctx, key: string): string {
  return `${ctx.actor.type}:${ctx.actor.id ?? '-'}:${key}`;
}

/**
 * Claims `key` for the caller inside the caller's transaction. A concurrent request with the same key blocks on
 * the primary key until this transaction ends, then replays what it committed; a rolled-back
 * attempt (validation error, crash) leaves no trace, so the client may retry.
 */
export async function claimIdempotencyKey(ctx: Ctx, clientKey: string, requestHash: string): Promise<IdempotencyClaim> {
  const key = scopedKey(ctx, clientKey);
  const inserted = await ctx.db
    .insert(idempotencyKeys)
    .values({ workspaceId: ctx.workspaceId, key, requestHash, createdAt: ctx.now })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  if (inserted.length > 0) return { kind: 'claimed' };
  const [row] = await ctx.db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.workspaceId, ctx.workspaceId), eq(idempotencyKeys.key, key)));
  if (!row || row.statusCode === null) {
    throw new AppError('CONFLICT', 'a request with this Idempotency-Key is still being processed; retry shortly', undefined, true);
  }
  if (row.requestHash !== requestHash) {
    throw new AppError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with a different request; use a new key for a new request', {
      header: 'Idempotency-Key',
    });
  }
  return { kind: 'replay', statusCode: row.statusCode, body: row.responseBody };
}

/**
 * Stores the response for a claimed key, in the same transaction as the work it describes. Callers
 * pass only what may be kept: a response carrying a secret (a new API key) is stored without it.
 */
export async function saveIdempotentResponse(ctx: Ctx, clientKey: string, statusCode: number, body: unknown): Promise<void> {
  const key = scopedKey(ctx, clientKey);
  await ctx.db
    .update(idempotencyKeys)
    .set({ statusCode, responseBody: body ?? null })
    .where(and(eq(idempotencyKeys.workspaceId, ctx.workspaceId), eq(idempotencyKeys.key, key)));
}

/** Deletes keys past retention; returns how many. */
export async function purgeIdempotencyKeys(db: Db, now: Date): Promise<number> {
  const rows = await db
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.createdAt, new Date(now.getTime() - IDEMPOTENCY_RETENTION_MS)))
    .returning({ key: idempotencyKeys.key });
  return rows.length;
}
