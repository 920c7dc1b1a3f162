// Teams of agents: a workspace's teams (CRUD) and their members. Conversations are assigned to a
// team (`conversations.team_id`); round-robin then deals them among the team's available members.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { AppError, notFound } from '../../lib/errors.js';
import { recordAudit } from '../audit/index.js';
import type { Ctx } from '../context.js';
import { getUser, roleCan, type Role } from '../workspaces/index.js';
import { inboxTeamIn, inboxTeamMembersIn, inboxTeamPatch, type InboxTeamOut } from './teams.schemas.js';
import { inboxTeamMembers, inboxTeams } from './conversations.tables.js';

type Row = typeof inboxTeams.$inferSelect;

/** How many teams a workspace may keep (the inbox lists them all in its selects). */
export const MAX_TEAMS = 100;

const nameTaken = (name: string) => new AppError('INBOX_TEAM_NAME_TAKEN', `a team named "${name}" already exists`, { field: 'name' });

/** Drizzle wraps the driver's error, so the unique violation's code may be on `cause`. */
function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return (e.code ?? e.cause?.code) === '23505';
}

async function membersOf(ctx: Ctx, teamIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(teamIds.map((id) => [id, []]));
  if (teamIds.length === 0) return out;
  const rows = await ctx.db
    .select({ teamId: inboxTeamMembers.teamId, userId: inboxTeamMembers.userId })
    .from(inboxTeamMembers)
    .where(and(eq(inboxTeamMembers.workspaceId, ctx.workspaceId), inArray(inboxTeamMembers.teamId, teamIds)))
    .orderBy(inboxTeamMembers.userId);
  for (const r of rows) out.get(r.teamId)?.push(r.userId);
  return out;
}

const toOut = (r: Row, userIds: string[]): InboxTeamOut => ({ id: r.id, name: r.name, user_ids: userIds, created_at: r.createdAt.toISOString(), updated_at: r.updatedAt.toISOString() });

async function loadRow(ctx: Ctx, id: string): Promise<Row> {
  const [row] = await ctx.db.select().from(inboxTeams).where(and(eq(inboxTeams.id, id), eq(inboxTeams.workspaceId, ctx.workspaceId)));
  if (!row) throw notFound('team', id);
  return row;
}

async function assertNameFree(ctx: Ctx, name: string, exceptId?: string): Promise<void> {
  const [taken] = await ctx.db.select({ id: inboxTeams.id }).from(inboxTeams).where(and(eq(inboxTeams.workspaceId, ctx.workspaceId), sql`lower(${inboxTeams.name}) = lower(${name})`));
  if (taken && taken.id !== exceptId) throw nameTaken(name);
}

/**
 * Checks each member is a user of this workspace who may answer conversations; else a 422 naming
 * `user_ids.<i>` (a user of another workspace reads as unknown, like a missing one).
 */
async function assertMembers(ctx: Ctx, userIds: string[]): Promise<string[]> {
  const unique = [...new Set(userIds)];
  for (const id of unique) {
    const field = `user_ids.${userIds.indexOf(id)}`;
    const user = await getUser(ctx, id).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'NOT_FOUND') return null;
      throw err;
    });
    if (!user) throw new AppError('VALIDATION_FAILED', `no user ${id} in this workspace; choose members from GET /api/v1/users`, { fields: [{ field, message: 'unknown user' }] });
    if (!roleCan(user.role as Role, 'conversations:reply')) {
      throw new AppError('VALIDATION_FAILED', `${user.email} cannot answer conversations (role ${user.role}); give them the agent role or leave them out`, { fields: [{ field, message: 'this user cannot answer conversations' }] });
    }
  }
  return unique;
}

async function writeMembers(ctx: Ctx, teamId: string, userIds: string[]): Promise<void> {
  await ctx.db.delete(inboxTeamMembers).where(and(eq(inboxTeamMembers.teamId, teamId), eq(inboxTeamMembers.workspaceId, ctx.workspaceId)));
  if (userIds.length > 0) await ctx.db.insert(inboxTeamMembers).values(userIds.map((userId) => ({ workspaceId: ctx.workspaceId, teamId, userId })));
}

/** The workspace's teams by name, each with its members. */
export async function listInboxTeams(ctx: Ctx): Promise<InboxTeamOut[]> {
  const rows = await ctx.db.select().from(inboxTeams).where(eq(inboxTeams.workspaceId, ctx.workspaceId)).orderBy(asc(sql`lower(${inboxTeams.name})`)).limit(MAX_TEAMS);
  const members = await membersOf(ctx, rows.map((r) => r.id));
  return rows.map((r) => toOut(r, members.get(r.id) ?? []));
}

/** One team with its members (another workspace's: 404). */
export async function getInboxTeam(ctx: Ctx, id: string): Promise<InboxTeamOut> {
  const row = await loadRow(ctx, id);
  return toOut(row, (await membersOf(ctx, [id])).get(id) ?? []);
}

/** Creates a team, optionally with its members. */
export async function createInboxTeam(ctx: Ctx, input: unknown): Promise<InboxTeamOut> {
  const data = inboxTeamIn.parse(input);
  await assertNameFree(ctx, data.name);
  const [{ n } = { n: 0 }] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(inboxTeams).where(eq(inboxTeams.workspaceId, ctx.workspaceId));
  if (n >= MAX_TEAMS) throw new AppError('VALIDATION_FAILED', `a workspace keeps at most ${MAX_TEAMS} teams; delete one first`, { fields: [{ field: 'name', message: 'too many teams' }] });
  const userIds = await assertMembers(ctx, data.user_ids);
  try {
    const [row] = await ctx.db.insert(inboxTeams).values({ workspaceId: ctx.workspaceId, name: data.name, createdAt: ctx.now, updatedAt: ctx.now }).returning();
    await writeMembers(ctx, row!.id, userIds);
    await recordAudit(ctx, { action: 'inbox_team.created', targetType: 'inbox_team', targetId: row!.id, details: { name: data.name, user_ids: userIds } });
    return getInboxTeam(ctx, row!.id);
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(data.name);
    throw err;
  }
}

/** Renames a team. */
export async function updateInboxTeam(ctx: Ctx, id: string, input: unknown): Promise<InboxTeamOut> {
  const { name } = inboxTeamPatch.parse(input);
  await loadRow(ctx, id);
  await assertNameFree(ctx, name, id);
  try {
    await ctx.db.update(inboxTeams).set({ name, updatedAt: ctx.now }).where(and(eq(inboxTeams.id, id), eq(inboxTeams.workspaceId, ctx.workspaceId)));
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(name);
    throw err;
  }
  await recordAudit(ctx, { action: 'inbox_team.updated', targetType: 'inbox_team', targetId: id, details: { name } });
  return getInboxTeam(ctx, id);
}

/** Replaces a team's members. Conversations already assigned to a user stay with them. */
export async function setInboxTeamMembers(ctx: Ctx, id: string, input: unknown): Promise<InboxTeamOut> {
  const { user_ids } = inboxTeamMembersIn.parse(input);
  await loadRow(ctx, id);
  const userIds = await assertMembers(ctx, user_ids);
  await writeMembers(ctx, id, userIds);
  await ctx.db.update(inboxTeams).set({ updatedAt: ctx.now }).where(and(eq(inboxTeams.id, id), eq(inboxTeams.workspaceId, ctx.workspaceId)));
  await recordAudit(ctx, { action: 'inbox_team.members_changed', targetType: 'inbox_team', targetId: id, details: { user_ids: userIds } });
  return getInboxTeam(ctx, id);
}

/** Deletes a team; its conversations keep their user and lose the team (the foreign key sets it null). */
export async function deleteInboxTeam(ctx: Ctx, id: string): Promise<void> {
  const row = await loadRow(ctx, id);
  await ctx.db.delete(inboxTeams).where(and(eq(inboxTeams.id, id), eq(inboxTeams.workspaceId, ctx.workspaceId)));
  await recordAudit(ctx, { action: 'inbox_team.deleted', targetType: 'inbox_team', targetId: id, details: { name: row.name } });
}

/** Throws 404 unless the team is this workspace's. */
export async function assertInboxTeam(ctx: Ctx, id: string): Promise<void> {
  await loadRow(ctx, id);
}

/** Whether a user is in a team of this workspace. */
export async function teamHasMember(ctx: Ctx, teamId: string, userId: string): Promise<boolean> {
  const [hit] = await ctx.db
    .select({ userId: inboxTeamMembers.userId })
    .from(inboxTeamMembers)
    .where(and(eq(inboxTeamMembers.workspaceId, ctx.workspaceId), eq(inboxTeamMembers.teamId, teamId), eq(inboxTeamMembers.userId, userId)));
  return Boolean(hit);
}
