import { and, eq, gt, isNull, lt, or } from 'drizzle-orm';
import { AppError } from '../../lib/errors.js';
import { hashPassword, randomToken, sha256Hex, verifyPassword } from '../../lib/secrets.js';
import { recordAudit } from '../audit/index.js';
import type { Ctx, Db, Log } from '../context.js';
import type { Role } from './workspaces.rules.js';
import { loginIn } from './workspaces.schemas.js';
import { sessions, users, workspaces } from './workspaces.tables.js';
import type { KeyPrincipal } from './api-keys.service.js';

/** How long a login lasts. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

// Verifying against a real hash when the user does not exist keeps the response time the same,
// so timing does not reveal which emails have accounts.
let decoyHash: Promise<string> | undefined;

/** Checks email + password and opens a session; returns the cookie token (stored only hashed). */
export async function logIn(
  db: Db,
  input: unknown,
  env: { now: Date; log: Log; requestId?: string },
): Promise<{ token: string; expiresAt: Date; userId: string; workspaceId: string; role: Role }> {
  const data = loginIn.parse(input);
  const [row] = await db
    .select({ user: users, workspaceId: workspaces.id })
    .from(users)
    .innerJoin(workspaces, eq(workspaces.id, users.workspaceId))
    .where(and(eq(workspaces.slug, data.workspace), eq(users.email, data.email.toLowerCase())))
    .limit(1);
  const stored = row?.user.passwordHash ?? (await (decoyHash ??= hashPassword(randomToken())));
  const ok = await verifyPassword(data.password, stored);
  if (!row || !ok || !row.user.passwordHash || row.user.disabledAt) {
    throw new AppError('AUTH_LOGIN_FAILED', 'email or password is wrong');
  }
  return db.transaction((tx) => openSession(tx, { workspaceId: row.workspaceId, userId: row.user.id, role: row.user.role as Role }, env));
}

/** A new login session for a user whose identity is already proven; returns the cookie token (stored only hashed). */
export async function openSession(
  tx: Db,
  user: { workspaceId: string; userId: string; role: Role },
  env: { now: Date; log: Log; requestId?: string },
): Promise<{ token: string; expiresAt: Date; userId: string; workspaceId: string; role: Role }> {
  const token = randomToken(32);
  const expiresAt = new Date(env.now.getTime() + SESSION_TTL_MS);
  const [s] = await tx
    .insert(sessions)
    .values({ workspaceId: user.workspaceId, userId: user.userId, tokenHash: sha256Hex(token), createdAt: env.now, expiresAt })
    .returning({ id: sessions.id });
  const ctx: Ctx = {
    db: tx,
    workspaceId: user.workspaceId,
    actor: { type: 'user', id: user.userId, role: user.role },
    now: env.now,
    log: env.log,
    ...(env.requestId ? { requestId: env.requestId } : {}),
  };
  await recordAudit(ctx, { action: 'session.created', targetType: 'session', targetId: s!.id });
  return { token, expiresAt, ...user };
}

/** Resolves a session cookie to its user; undefined when unknown, expired, revoked or the user is disabled. */
export async function authenticateSession(db: Db, token: string, now: Date): Promise<(KeyPrincipal & { sessionId: string }) | undefined> {
  if (token.length > 100) return undefined;
  const [row] = await db
    .select({ sessionId: sessions.id, workspaceId: sessions.workspaceId, userId: users.id, role: users.role })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, sha256Hex(token)), isNull(sessions.revokedAt), gt(sessions.expiresAt, now), isNull(users.disabledAt)))
    .limit(1);
  if (!row) return undefined;
  return { sessionId: row.sessionId, workspaceId: row.workspaceId, actor: { type: 'user', id: row.userId, role: row.role as Role } };
}

/** Ends the session behind `ctx`. */
export async function logOut(ctx: Ctx, sessionId: string): Promise<void> {
  await ctx.db
    .update(sessions)
    .set({ revokedAt: ctx.now })
    .where(and(eq(sessions.id, sessionId), eq(sessions.workspaceId, ctx.workspaceId), isNull(sessions.revokedAt)));
  await recordAudit(ctx, { action: 'session.revoked', targetType: 'session', targetId: sessionId });
}

/** Deletes sessions that expired or were revoked more than a day ago; returns how many. */
export async function purgeOldSessions(db: Db, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - 24 * 60 * 60 * 1000);
  const rows = await db
    .delete(sessions)
    .where(or(lt(sessions.expiresAt, cutoff), lt(sessions.revokedAt, cutoff)))
    .returning({ id: sessions.id });
  return rows.length;
}
