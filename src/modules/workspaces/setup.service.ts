// First run: a new install has no user, so the server prints a one-time setup link; opening it
// creates the owner, names the business and sets its country and time zone (docs/design.md §28).
import { eq, lt, or, isNotNull, sql } from 'drizzle-orm';
import { AppError } from '../../lib/errors.js';
import { randomToken, sha256Hex } from '../../lib/secrets.js';
import { recordAudit } from '../audit/index.js';
import { SYSTEM_ACTOR, type Ctx, type Db, type Log } from '../context.js';
import { openSession } from './sessions.service.js';
import { prepareCreateUser, createUser } from './users.service.js';
import { ensureDefaultWorkspace, updateWorkspace } from './workspaces.service.js';
import { SETUP_TOKEN_TTL_MS, type Role } from './workspaces.rules.js';
import { setupIn } from './workspaces.schemas.js';
import { setupTokens, users } from './workspaces.tables.js';

/** True while the install has no user at all (in any workspace). */
export async function isSetupNeeded(db: Db): Promise<boolean> {
  const [row] = await db.select({ one: sql<number>`1` }).from(users).limit(1);
  return !row;
}

/**
 * A new one-time setup token when the install has no user, else undefined. Only its hash is
 * stored; each start issues its own (several processes may start at once), and every one stops
 * working once any user exists. Spent and expired tokens are removed here.
 */
export async function issueSetupToken(db: Db, now: Date): Promise<{ token: string; expiresAt: Date } | undefined> {
  if (!(await isSetupNeeded(db))) return undefined;
  await db.delete(setupTokens).where(or(lt(setupTokens.expiresAt, now), isNotNull(setupTokens.usedAt)));
  const token = randomToken(32);
  const expiresAt = new Date(now.getTime() + SETUP_TOKEN_TTL_MS);
  await db.insert(setupTokens).values({ tokenHash: sha256Hex(token), createdAt: now, expiresAt });
  return { token, expiresAt };
}

/** The setup link for `token` (a fragment, so the token never reaches a server or proxy log). */
export function setupLink(publicUrl: string, token: string): string {
  return `${publicUrl}/setup#token=${token}`;
}

/**
 * The token's row if it can still be spent, else the error saying why. `lock` takes the row for the
 * transaction that spends it; without it this is the cheap check made before hashing a password.
 */
async function spendableToken(db: Db, token: string, now: Date, lock: boolean): Promise<{ id: string }> {
  const query = db.select({ id: setupTokens.id, usedAt: setupTokens.usedAt, expiresAt: setupTokens.expiresAt }).from(setupTokens).where(eq(setupTokens.tokenHash, sha256Hex(token)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw new AppError('SETUP_TOKEN_INVALID', 'this setup link is not valid; copy the whole link printed by "greenlist start" (restart Greenlist for a new one)', { field: 'token' });
  if (row.usedAt) throw new AppError('SETUP_TOKEN_USED', 'this setup link was already used; log in with the owner account it created', { field: 'token' });
  if (row.expiresAt <= now) throw new AppError('SETUP_TOKEN_EXPIRED', 'this setup link has expired (links last 24 hours); restart Greenlist to print a new one', { field: 'token' });
  if (!(await isSetupNeeded(db))) throw new AppError('SETUP_DONE', 'Greenlist is already set up; log in, or ask an owner to invite you');
  return row;
}

/**
 * Completes first-run setup: spends the token, creates the owner in the `default` workspace,
 * names the business and sets its country and zone, and opens the owner's session. One
 * transaction under an advisory lock, so two processes given two tokens cannot both create an owner.
 */
export async function completeSetup(
  db: Db,
  input: unknown,
  env: { now: Date; log: Log; requestId?: string },
): Promise<{ token: string; expiresAt: Date; userId: string; workspaceId: string; role: Role }> {
  const data = setupIn.parse(input);
  // Checked first so a wrong or spent link costs no password hash (scrypt: ~0.3 s and 128 MiB).
  await spendableToken(db, data.token, env.now, false);
  // Hashed before the transaction and its lock; the token is checked again under the lock.
  const prepared = await prepareCreateUser({ email: data.email, name: data.name, role: 'owner', password: data.password });
  const workspace = await ensureDefaultWorkspace(db, env);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('greenlist:setup'))`);
    const token = await spendableToken(tx, data.token, env.now, true);
    await tx.update(setupTokens).set({ usedAt: env.now }).where(eq(setupTokens.id, token.id));
    const base = { db: tx, workspaceId: workspace.id, now: env.now, log: env.log, ...(env.requestId ? { requestId: env.requestId } : {}) };
    const user = await createUser({ ...base, actor: SYSTEM_ACTOR }, prepared);
    const ctx: Ctx = { ...base, actor: { type: 'user', id: user.id, role: 'owner' } };
    await updateWorkspace(ctx, { name: data.business_name, settings: { default_country: data.default_country, timezone: data.timezone } });
    await recordAudit(ctx, { action: 'setup.completed', targetType: 'workspace', targetId: workspace.id, details: { user_id: user.id } });
    return openSession(tx, { workspaceId: workspace.id, userId: user.id, role: 'owner' }, env);
  });
}
