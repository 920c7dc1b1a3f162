import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import { AppError } from '../../lib/errors.js';
import { mapPage, type Page } from '../../lib/pagination.js';
import { workspaceRowById, workspaceRowsByKey } from '../sql.js';
import { hashPassword } from '../../lib/secrets.js';
import { recordAudit } from '../audit/index.js';
import type { Ctx } from '../context.js';
import { canAssignRole, type Role } from './workspaces.rules.js';
import { revokeKeysCreatedBy } from './api-keys.service.js';
import { createUserIn, updateUserIn, type UserOut } from './workspaces.schemas.js';
import type { z } from 'zod';

type CreateUserData = z.infer<typeof createUserIn>;
type UpdateUserData = z.infer<typeof updateUserIn>;
import { sessions, users } from './workspaces.tables.js';

type UserRow = typeof users.$inferSelect;

function toUserOut(r: UserRow): UserOut {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role as Role,
    disabled: r.disabledAt !== null,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

function assertAssignable(ctx: Ctx, role: Role): void {
  if (!canAssignRole(ctx.actor.role, role)) {
    throw new AppError('FORBIDDEN_ROLE', `a ${ctx.actor.role} cannot give the role ${role}`, { field: 'role' });
  }
}

/** Validated user input with the password already hashed (scrypt takes ~0.3 s; do it outside transactions). */
export type Prepared<T> = Omit<T, 'password'> & { passwordHash: string | null };

/** Validates a create-user body and hashes its password; call before opening a transaction. */
export async function prepareCreateUser(input: unknown): Promise<Prepared<CreateUserData>> {
  const { password, ...rest } = createUserIn.parse(input);
  return { ...rest, passwordHash: password ? await hashPassword(password) : null };
}

/** Validates an update-user body and hashes its password; call before opening a transaction. */
export async function prepareUpdateUser(input: unknown): Promise<Prepared<UpdateUserData>> {
  const { password, ...rest } = updateUserIn.parse(input);
  return { ...rest, passwordHash: password ? await hashPassword(password) : null };
}

/** Adds a user to the workspace. Without a password the user cannot log in until one is set. */
export async function createUser(ctx: Ctx, data: Prepared<CreateUserData>): Promise<UserOut> {
  assertAssignable(ctx, data.role);
  const passwordHash = data.passwordHash;
  const [row] = await ctx.db
    .insert(users)
    .values({
      workspaceId: ctx.workspaceId,
      email: data.email.toLowerCase(),
      name: data.name,
      role: data.role,
      passwordHash,
      passwordChangedAt: passwordHash ? ctx.now : null,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    })
    .onConflictDoNothing()
    .returning();
  if (!row) throw new AppError('USER_EMAIL_TAKEN', `a user with email ${data.email} already exists in this workspace`, { field: 'email' });
  await recordAudit(ctx, { action: 'user.created', targetType: 'user', targetId: row.id, details: { role: data.role } });
  return toUserOut(row);
}

/** Lists users by email. */
export async function listUsers(ctx: Ctx, q: { limit: number; cursor?: string }): Promise<Page<UserOut>> {
  const page = await workspaceRowsByKey(ctx.db, users, { workspaceId: ctx.workspaceId, key: 'email', kind: 'text', order: 'asc', limit: q.limit, cursor: q.cursor });
  return mapPage(page, toUserOut);
}

async function loadUser(ctx: Ctx, id: string): Promise<UserRow> {
  return workspaceRowById(ctx, users, id, 'user');
}

/** One user of the workspace. */
export async function getUser(ctx: Ctx, id: string): Promise<UserOut> {
  return toUserOut(await loadUser(ctx, id));
}

async function assertNotLastOwner(ctx: Ctx, user: UserRow): Promise<void> {
  if (user.role !== 'owner') return;
  const [row] = await ctx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(users)
    .where(and(eq(users.workspaceId, ctx.workspaceId), eq(users.role, 'owner'), isNull(users.disabledAt), ne(users.id, user.id)));
  if ((row?.n ?? 0) === 0) throw new AppError('USER_LAST_OWNER', 'a workspace must keep at least one active owner');
}

/**
 * Changes a user. A new password or disabling the user revokes every session of that user and every
 * API key they created (a stolen session or key must not survive the change that was meant to end it).
 */
export async function updateUser(ctx: Ctx, id: string, data: Prepared<UpdateUserData>): Promise<UserOut> {
  const user = await loadUser(ctx, id);
  if (!canAssignRole(ctx.actor.role, user.role as Role)) {
    throw new AppError('FORBIDDEN_ROLE', `a ${ctx.actor.role} cannot change a ${user.role}`);
  }
  if (data.role) assertAssignable(ctx, data.role);
  if ((data.role && data.role !== 'owner') || data.disabled === true) await assertNotLastOwner(ctx, user);
  const passwordHash = data.passwordHash;
  const [row] = await ctx.db
    .update(users)
    .set({
      name: data.name ?? user.name,
      role: data.role ?? user.role,
      ...(passwordHash ? { passwordHash, passwordChangedAt: ctx.now } : {}),
      ...(data.disabled === undefined ? {} : { disabledAt: data.disabled ? (user.disabledAt ?? ctx.now) : null }),
      updatedAt: ctx.now,
    })
    .where(and(eq(users.id, id), eq(users.workspaceId, ctx.workspaceId)))
    .returning();
  if (passwordHash || data.disabled === true) {
    await revokeKeysCreatedBy(ctx, id, data.disabled === true && !user.disabledAt ? 'user_disabled' : 'password_changed');
    await ctx.db
      .update(sessions)
      .set({ revokedAt: ctx.now })
      .where(and(eq(sessions.userId, id), eq(sessions.workspaceId, ctx.workspaceId), isNull(sessions.revokedAt)));
  }
  const fields = Object.keys(data).filter((k) => k !== 'passwordHash' && data[k as keyof typeof data] !== undefined);
  await recordAudit(ctx, {
    action: 'user.updated',
    targetType: 'user',
    targetId: id,
    details: { fields, password_changed: Boolean(passwordHash) },
  });
  return toUserOut(row!);
}

/** Removes a user (and with it their sessions and the API keys they created). */
export async function deleteUser(ctx: Ctx, id: string): Promise<void> {
  const user = await loadUser(ctx, id);
  if (!canAssignRole(ctx.actor.role, user.role as Role)) {
    throw new AppError('FORBIDDEN_ROLE', `a ${ctx.actor.role} cannot remove a ${user.role}`);
  }
  await assertNotLastOwner(ctx, user);
  // Before the delete: the foreign key then forgets who created the keys.
  await revokeKeysCreatedBy(ctx, id, 'user_deleted');
  await ctx.db.delete(users).where(and(eq(users.id, id), eq(users.workspaceId, ctx.workspaceId)));
  await recordAudit(ctx, { action: 'user.deleted', targetType: 'user', targetId: id, details: { role: user.role } });
}
