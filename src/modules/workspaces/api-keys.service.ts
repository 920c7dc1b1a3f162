import { and, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { AppError, notFound } from '../../lib/errors.js';
import { mapPage, type Page } from '../../lib/pagination.js';
import { randomToken, sha256Hex } from '../../lib/secrets.js';
import { recordAudit } from '../audit/index.js';
import { workspaceRowById, workspaceRowsByTime } from '../sql.js';
import type { Actor, Ctx, Db } from '../context.js';
import { API_KEY_PREFIX, canAssignRole, type Role } from './workspaces.rules.js';
import { createApiKeyIn, type ApiKeyOut } from './workspaces.schemas.js';
import { apiKeys, users } from './workspaces.tables.js';
import { useWorkspaceCache } from './workspaces.service.js';

type ApiKeyRow = typeof apiKeys.$inferSelect;

function toApiKeyOut(r: ApiKeyRow, creators: Map<string, string>): ApiKeyOut {
  const creator = r.createdByUserId ? { user_id: r.createdByUserId, email: creators.get(r.createdByUserId) ?? null } : null;
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    role: r.role as Role,
    created_by: creator,
    created_at: r.createdAt.toISOString(),
    last_used_at: r.lastUsedAt?.toISOString() ?? null,
    revoked_at: r.revokedAt?.toISOString() ?? null,
  };
}

/** Emails of the users who created these keys, in one query. */
async function creatorsOf(ctx: Ctx, rows: ApiKeyRow[]): Promise<Map<string, string>> {
  const ids = [...new Set(rows.map((r) => r.createdByUserId).filter((id): id is string => id !== null))];
  if (ids.length === 0) return new Map();
  const found = await ctx.db.select({ id: users.id, email: users.email }).from(users).where(and(eq(users.workspaceId, ctx.workspaceId), inArray(users.id, ids)));
  return new Map(found.map((u) => [u.id, u.email]));
}

async function outOf(ctx: Ctx, row: ApiKeyRow): Promise<ApiKeyOut> {
  return toApiKeyOut(row, await creatorsOf(ctx, [row]));
}

/**
 * Creates an API key and returns it once. Keys are 256 random bits, so a plain SHA-256 is a safe
 * and fast (indexed, per-request) lookup; a slow hash would only slow every request.
 */
export async function createApiKey(ctx: Ctx, input: unknown): Promise<ApiKeyOut & { key: string }> {
  const data = createApiKeyIn.parse(input);
  if (!canAssignRole(ctx.actor.role, data.role)) {
    throw new AppError('FORBIDDEN_ROLE', `a ${ctx.actor.role} cannot create a key with role ${data.role}`, { field: 'role' });
  }
  const key = `${API_KEY_PREFIX}${randomToken(32)}`;
  const [row] = await ctx.db
    .insert(apiKeys)
    .values({
      workspaceId: ctx.workspaceId,
      name: data.name,
      prefix: key.slice(0, API_KEY_PREFIX.length + 6),
      keyHash: sha256Hex(key),
      role: data.role,
      createdByUserId: ctx.actor.type === 'user' ? ctx.actor.id : null,
      createdAt: ctx.now,
    })
    .returning();
  await recordAudit(ctx, { action: 'api_key.created', targetType: 'api_key', targetId: row!.id, details: { name: data.name, role: data.role } });
  return { ...(await outOf(ctx, row!)), key };
}

/** Lists the workspace's keys, newest first. */
export async function listApiKeys(ctx: Ctx, q: { limit: number; cursor?: string }): Promise<Page<ApiKeyOut>> {
  const page = await workspaceRowsByTime(ctx.db, apiKeys, { workspaceId: ctx.workspaceId, time: 'createdAt', order: 'newest', limit: q.limit, cursor: q.cursor });
  const creators = await creatorsOf(ctx, page.data);
  return mapPage(page, (r) => toApiKeyOut(r, creators));
}

/** One key of the workspace; another workspace's key is a 404. */
export async function getApiKey(ctx: Ctx, id: string): Promise<ApiKeyOut> {
  const row = await workspaceRowById(ctx, apiKeys, id, 'api key');
  return outOf(ctx, row);
}

/** Revokes a key; it fails authentication on the very next request, in every process. */
export async function revokeApiKey(ctx: Ctx, id: string): Promise<ApiKeyOut> {
  forgetCachedKeys();
  const [row] = await ctx.db
    .update(apiKeys)
    .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, ${ctx.now.toISOString()}::timestamptz)` })
    .where(and(eq(apiKeys.id, id), eq(apiKeys.workspaceId, ctx.workspaceId)))
    .returning();
  if (!row) throw notFound('api key', id);
  await recordAudit(ctx, { action: 'api_key.revoked', targetType: 'api_key', targetId: id, details: { name: row.name } });
  return outOf(ctx, row);
}

/**
 * Revokes every key `userId` created, when that user is disabled, removed or changes password:
 * a key minted by someone who lost access must not keep that access. Returns how many.
 */
export async function revokeKeysCreatedBy(ctx: Ctx, userId: string, reason: 'user_disabled' | 'user_deleted' | 'password_changed'): Promise<number> {
  forgetCachedKeys();
  const rows = await ctx.db
    .update(apiKeys)
    .set({ revokedAt: ctx.now })
    .where(and(eq(apiKeys.workspaceId, ctx.workspaceId), eq(apiKeys.createdByUserId, userId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id, name: apiKeys.name });
  for (const r of rows) await recordAudit(ctx, { action: 'api_key.revoked', targetType: 'api_key', targetId: r.id, details: { name: r.name, reason, user_id: userId } });
  return rows.length;
}

/** The caller behind a valid key. */
export interface KeyPrincipal {
  workspaceId: string;
  actor: Actor;
}

// last_used_at is informational; writing it on every request would serialise reads on PGlite.
// Each process writes it at most once a minute per key, and the UPDATE itself is conditional, so
// several processes never regress it.
const LAST_USED_RESOLUTION_MS = 60_000;
const lastUsedWritten = new Map<string, number>();

// With the embedded database exactly one process owns the data (the data-dir lock; CLI commands
// go through that process), so every revocation happens here and clears this cache: it can never
// serve a revoked key. With PostgreSQL several processes share the data, so the cache stays off
// and every request asks the database.
const keyCache = { enabled: false, generation: 0, entries: new Map<string, { id: string; workspaceId: string; role: string }>() };

/** Turns the in-process key cache on (embedded single-process mode only) or off. */
function useApiKeyCache(enabled: boolean): void {
  keyCache.enabled = enabled;
  forgetCachedKeys();
}

function forgetCachedKeys(): void {
  keyCache.generation++;
  keyCache.entries.clear();
}

/** Resolves a presented API key; undefined when unknown or revoked. Revocation takes effect on the next request. */
export async function authenticateApiKey(db: Db, key: string, now: Date): Promise<KeyPrincipal | undefined> {
  if (!key.startsWith(API_KEY_PREFIX) || key.length > 200) return undefined;
  const hash = sha256Hex(key);
  let row = keyCache.enabled ? keyCache.entries.get(hash) : undefined;
  if (!row) {
    const generation = keyCache.generation;
    [row] = await db
      .select({ id: apiKeys.id, workspaceId: apiKeys.workspaceId, role: apiKeys.role })
      .from(apiKeys)
      .where(and(eq(apiKeys.keyHash, hash), isNull(apiKeys.revokedAt)))
      .limit(1);
    if (!row) return undefined;
    // A revocation that happened while this lookup ran must win over the lookup's answer.
    if (keyCache.enabled && generation === keyCache.generation) {
      if (keyCache.entries.size > 10_000) keyCache.entries.clear();
      keyCache.entries.set(hash, row);
    }
  }
  const last = lastUsedWritten.get(row.id) ?? 0;
  if (now.getTime() - last >= LAST_USED_RESOLUTION_MS) {
    lastUsedWritten.set(row.id, now.getTime());
    await db
      .update(apiKeys)
      .set({ lastUsedAt: now })
      .where(and(eq(apiKeys.id, row.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, now))));
  }
  return { workspaceId: row.workspaceId, actor: { type: 'api_key', id: row.id, role: row.role as Role } };
}

/**
 * Turns the in-process caches (API keys, workspaces) on for the embedded database, where one
 * process owns the data, and off for PostgreSQL, where several processes share it.
 */
export function useSingleOwnerCaches(enabled: boolean): void {
  useApiKeyCache(enabled);
  useWorkspaceCache(enabled);
}
