import { randomUUID } from 'node:crypto';
import { and, asc, eq, gt, isNotNull, isNull, lt, ne, or, sql } from 'drizzle-orm';
import { AppError } from '../../lib/errors.js';
import { hashPassword, randomToken, sha256Hex, verifyPassword } from '../../lib/secrets.js';
import { recordAudit } from '../audit/index.js';
import type { Ctx, Db, Log } from '../context.js';
import type { Role } from './workspaces.rules.js';
import { loginIn, switchWorkspaceIn } from './workspaces.schemas.js';
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
  // Only after the asked-for workspace accepted the password (a failed login costs one hash, as before).
  const linked = await otherProvenUsers(db, { email: data.email.toLowerCase(), workspaceId: row.workspaceId, password: data.password });
  return db.transaction(async (tx) => {
    const loginId = randomUUID();
    const opened = await openSession(tx, { workspaceId: row.workspaceId, userId: row.user.id, role: row.user.role as Role }, env, loginId);
    for (const u of linked) await openLinkedSession(tx, u, { now: env.now, expiresAt: opened.expiresAt, loginId });
    return opened;
  });
}

/** At most this many other workspaces are checked at login (each check is one password hash). */
export const MAX_LINKED_WORKSPACES = 20;

/** The user rows in other workspaces with the same email that are active and accept the same password. */
async function otherProvenUsers(db: Db, q: { email: string; workspaceId: string; password: string }): Promise<{ workspaceId: string; userId: string }[]> {
  const rows = await db
    .select({ workspaceId: users.workspaceId, userId: users.id, passwordHash: users.passwordHash })
    .from(users)
    .where(and(sql`lower(${users.email}) = ${q.email}`, ne(users.workspaceId, q.workspaceId), isNull(users.disabledAt), isNotNull(users.passwordHash)))
    .orderBy(asc(users.createdAt))
    .limit(MAX_LINKED_WORKSPACES);
  const checks = await Promise.all(rows.map(async (r) => ((await verifyPassword(q.password, r.passwordHash!)) ? r : undefined)));
  return checks.filter((r): r is (typeof rows)[number] => r !== undefined).map(({ workspaceId, userId }) => ({ workspaceId, userId }));
}

// A linked row's token is random and never handed out: the row authenticates nobody until a switch
// gives it a fresh token. It lives in its own workspace like every session.
async function openLinkedSession(tx: Db, u: { workspaceId: string; userId: string }, s: { now: Date; expiresAt: Date; loginId: string }): Promise<void> {
  await tx.insert(sessions).values({ workspaceId: u.workspaceId, userId: u.userId, tokenHash: sha256Hex(randomToken(32)), createdAt: s.now, expiresAt: s.expiresAt, loginId: s.loginId });
}

/** A new login session for a user whose identity is already proven; returns the cookie token (stored only hashed). */
export async function openSession(
  tx: Db,
  user: { workspaceId: string; userId: string; role: Role },
  env: { now: Date; log: Log; requestId?: string },
  loginId: string = randomUUID(),
): Promise<{ token: string; expiresAt: Date; userId: string; workspaceId: string; role: Role }> {
  const token = randomToken(32);
  const expiresAt = new Date(env.now.getTime() + SESSION_TTL_MS);
  const [s] = await tx
    .insert(sessions)
    .values({ workspaceId: user.workspaceId, userId: user.userId, tokenHash: sha256Hex(token), createdAt: env.now, expiresAt, loginId })
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

/** Ends the session behind `ctx`, and with it the login's linked sessions in other workspaces (logging out ends the whole login). */
export async function logOut(ctx: Ctx, sessionId: string): Promise<void> {
  const [ended] = await ctx.db
    .update(sessions)
    .set({ revokedAt: ctx.now })
    .where(and(eq(sessions.id, sessionId), eq(sessions.workspaceId, ctx.workspaceId), isNull(sessions.revokedAt)))
    .returning({ loginId: sessions.loginId });
  if (ended) await ctx.db.update(sessions).set({ revokedAt: ctx.now }).where(and(eq(sessions.loginId, ended.loginId), isNull(sessions.revokedAt)));
  await recordAudit(ctx, { action: 'session.revoked', targetType: 'session', targetId: sessionId });
}

/** A workspace the current login may switch to (its credentials were proven at login). */
export interface LinkedWorkspace {
  workspace_id: string;
  slug: string;
  name: string;
  role: Role;
  current: boolean;
}

// The login's live rows: not revoked (a password change or disabling revokes them), not expired,
// the user still active.
function liveLinkedRows(db: Db, loginId: string, now: Date) {
  return db
    .select({ sessionId: sessions.id, workspaceId: workspaces.id, slug: workspaces.slug, name: workspaces.name, userId: users.id, role: users.role })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(workspaces, eq(workspaces.id, sessions.workspaceId))
    .where(and(eq(sessions.loginId, loginId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now), isNull(users.disabledAt)))
    .orderBy(asc(workspaces.name), asc(workspaces.id));
}

async function loginIdOf(ctx: Ctx, sessionId: string): Promise<string> {
  const [row] = await ctx.db.select({ loginId: sessions.loginId }).from(sessions).where(and(eq(sessions.id, sessionId), eq(sessions.workspaceId, ctx.workspaceId))).limit(1);
  if (!row) throw new AppError('AUTH_INVALID', 'the session has ended; log in again');
  return row.loginId;
}

/** The workspaces this login proved credentials for, the current one marked. */
export async function listLinkedWorkspaces(ctx: Ctx, sessionId: string): Promise<LinkedWorkspace[]> {
  const rows = await liveLinkedRows(ctx.db, await loginIdOf(ctx, sessionId), ctx.now);
  return rows.map((r) => ({ workspace_id: r.workspaceId, slug: r.slug, name: r.name, role: r.role as Role, current: r.sessionId === sessionId }));
}

/**
 * Moves the cookie to the login's session in another workspace: that row gets a fresh token, the
 * current row's token is replaced by one nobody holds (it stays linked, so switching back works).
 * Only a workspace whose password this login proved can be reached. Audited in both workspaces
 * (without naming the other one: each audit log stays about its own workspace). Run in a transaction.
 */
export async function switchWorkspace(
  ctx: Ctx,
  sessionId: string,
  input: unknown,
): Promise<{ token: string; expiresAt: Date; userId: string; workspaceId: string; role: Role }> {
  const { workspace_id: target } = switchWorkspaceIn.parse(input);
  const rows = await liveLinkedRows(ctx.db, await loginIdOf(ctx, sessionId), ctx.now);
  const to = rows.find((r) => r.workspaceId === target && r.sessionId !== sessionId);
  if (!to) {
    throw new AppError('AUTH_WORKSPACE_NOT_LINKED', 'this login did not prove a password for that workspace; log in to it with its own password', { field: 'workspace_id' });
  }
  const [expires] = await ctx.db.select({ at: sessions.expiresAt }).from(sessions).where(eq(sessions.id, to.sessionId));
  const token = randomToken(32);
  await ctx.db.update(sessions).set({ tokenHash: sha256Hex(token) }).where(eq(sessions.id, to.sessionId));
  await ctx.db.update(sessions).set({ tokenHash: sha256Hex(randomToken(32)) }).where(and(eq(sessions.id, sessionId), eq(sessions.workspaceId, ctx.workspaceId)));
  await recordAudit(ctx, { action: 'session.switched_out', targetType: 'session', targetId: sessionId });
  const toCtx: Ctx = { ...ctx, workspaceId: to.workspaceId, actor: { type: 'user', id: to.userId, role: to.role as Role } };
  await recordAudit(toCtx, { action: 'session.switched_in', targetType: 'session', targetId: to.sessionId });
  return { token, expiresAt: expires!.at, userId: to.userId, workspaceId: to.workspaceId, role: to.role as Role };
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
