// Who gets new conversations: each user's availability, and the workspace's round-robin switch.
// With round-robin on, each new conversation goes to the available agent whose turn it is (the
// lowest `turn`), set-based per batch and serialised by row locks on the agents, so two processes
// creating conversations at once never hand out the same turn twice.
import { emitConversationEvent } from './conversation-events.js';
import { eq, param, sql } from 'drizzle-orm';
import { AppError } from '../../lib/errors.js';
import { recordAudit } from '../audit/index.js';
import type { Ctx, Db } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { getUser, listUsers, roleCan, type Role } from '../workspaces/index.js';
import { availabilityIn, routingIn, type RoutingOut } from './routing.schemas.js';
import { inboxAgents, inboxRouting } from './conversations.tables.js';

/** The most users the routing view lists (a team inbox, not a call centre). */
const MAX_LISTED = 200;

/** Round-robin on or off, and every user who may answer with their availability. */
export async function getRouting(ctx: Ctx): Promise<RoutingOut> {
  const [routing] = await ctx.db.select().from(inboxRouting).where(eq(inboxRouting.workspaceId, ctx.workspaceId));
  const flags = await ctx.db.select({ userId: inboxAgents.userId, available: inboxAgents.available }).from(inboxAgents).where(eq(inboxAgents.workspaceId, ctx.workspaceId));
  const available = new Set(flags.filter((f) => f.available).map((f) => f.userId));
  const users = (await listUsers(ctx, { limit: MAX_LISTED })).data.filter((u) => !u.disabled && roleCan(u.role, 'conversations:reply'));
  return { round_robin: routing?.roundRobin ?? false, agents: users.map((u) => ({ user_id: u.id, email: u.email, name: u.name, role: u.role, available: available.has(u.id) })) };
}

/** Turns round-robin on or off for the workspace. */
export async function setRouting(ctx: Ctx, input: unknown): Promise<RoutingOut> {
  const { round_robin } = routingIn.parse(input);
  await ctx.db
    .insert(inboxRouting)
    .values({ workspaceId: ctx.workspaceId, roundRobin: round_robin, updatedAt: ctx.now })
    .onConflictDoUpdate({ target: inboxRouting.workspaceId, set: { roundRobin: round_robin, updatedAt: ctx.now } });
  await recordAudit(ctx, { action: 'inbox.routing_changed', targetType: 'workspace', targetId: ctx.workspaceId, details: { round_robin } });
  return getRouting(ctx);
}

/** Marks a user available (or not) for new conversations: anyone for themselves, user managers for others. */
export async function setAvailability(ctx: Ctx, userId: string, input: unknown): Promise<RoutingOut> {
  const { available } = availabilityIn.parse(input);
  const user = await getUser(ctx, userId);
  if (!(ctx.actor.type === 'user' && ctx.actor.id === userId) && !roleCan(ctx.actor.role, 'users:manage')) throw new AppError('FORBIDDEN_ROLE', "only users who manage users may change another user's availability");
  if (available && (user.disabled || !roleCan(user.role as Role, 'conversations:reply'))) {
    throw new AppError('VALIDATION_FAILED', `${user.email} cannot answer conversations (role ${user.role}${user.disabled ? ', disabled' : ''})`, { fields: [{ field: 'available', message: 'this user cannot answer conversations' }] });
  }
  await ctx.db
    .insert(inboxAgents)
    .values({ workspaceId: ctx.workspaceId, userId, available, updatedAt: ctx.now })
    .onConflictDoUpdate({ target: [inboxAgents.workspaceId, inboxAgents.userId], set: { available, updatedAt: ctx.now } });
  await recordAudit(ctx, { action: 'inbox.availability_changed', targetType: 'user', targetId: userId, details: { available } });
  return getRouting(ctx);
}

type Agent = { workspace_id: string; user_id: string; turn: string | number };

/**
 * Hands `created` (conversations just created, unassigned) out round-robin in the workspaces that
 * turned it on, in the caller's transaction. Three statements whatever the batch size.
 * Why the lock: the agents' rows are locked before the turns are read, so a second process doing
 * the same waits and then sees the turns this one moved (its order is recomputed from them here).
 */
export async function assignRoundRobin(tx: Db, created: { id: string; workspace_id: string }[]): Promise<void> {
  if (created.length === 0) return;
  const workspaces = [...new Set(created.map((c) => c.workspace_id))];
  // `users` is the workspaces module's table: read only to leave out disabled users and viewers.
  const agents = await queryRowsOf<Agent>(
    tx,
    sql`select a.workspace_id, a.user_id, a.turn from inbox_agents a
        join inbox_routing r on r.workspace_id = a.workspace_id and r.round_robin
        join users u on u.id = a.user_id and u.workspace_id = a.workspace_id and u.disabled_at is null and u.role <> 'viewer'
        where a.workspace_id = any(${param(workspaces)}::uuid[]) and a.available
        order by a.workspace_id, a.user_id
        for update of a`,
  );
  if (agents.length === 0) return;
  const byWorkspace = new Map<string, Agent[]>();
  for (const a of agents) (byWorkspace.get(a.workspace_id) ?? byWorkspace.set(a.workspace_id, []).get(a.workspace_id)!).push(a);
  const picks: { id: string; user_id: string }[] = [];
  const turns: { workspace_id: string; user_id: string; turn: number }[] = [];
  for (const [workspaceId, list] of byWorkspace) {
    const dealt = deal(list, created.filter((c) => c.workspace_id === workspaceId).map((c) => c.id), Math.max(...list.map((a) => Number(a.turn))));
    picks.push(...dealt.picks);
    turns.push(...dealt.turns.map((t) => ({ workspace_id: workspaceId, ...t })));
  }
  await writeDeal(tx, picks, turns);
}

/**
 * Deals `ids` in turn among `list` (locked agents of one workspace): lowest turn first, ties (new
 * agents at 0) by user id so every process orders them alike; each agent who got one moves past
 * `top`, so they come last until the others had theirs.
 */
function deal(list: Agent[], ids: string[], top: number): { picks: { id: string; user_id: string }[]; turns: { user_id: string; turn: number }[] } {
  list.sort((x, y) => Number(x.turn) - Number(y.turn) || x.user_id.localeCompare(y.user_id));
  const picks: { id: string; user_id: string }[] = [];
  const turns = new Map<string, number>();
  ids.forEach((id, i) => {
    const agent = list[i % list.length]!;
    picks.push({ id, user_id: agent.user_id });
    turns.set(agent.user_id, top + i + 1);
  });
  return { picks, turns: [...turns].map(([user_id, turn]) => ({ user_id, turn })) };
}

async function writeDeal(tx: Db, picks: { id: string; user_id: string }[], turns: { workspace_id: string; user_id: string; turn: number }[]): Promise<void> {
  const dealt = await queryRowsOf<{ id: string; workspace_id: string }>(
    tx,
    sql`update conversations c set assignee_id = x.user_id, handled_at = case when c.handed_over_at is null then clock_timestamp() else c.handled_at end, updated_at = now()
        from unnest(${param(picks.map((p) => p.id))}::uuid[], ${param(picks.map((p) => p.user_id))}::uuid[]) as x(id, user_id)
        where c.id = x.id and c.assignee_id is null
        returning c.id, c.workspace_id`,
  );
  // Round-robin assignments are assignments too: a helpdesk or CRM following them hears of them.
  const now = new Date();
  for (const ws of new Set(dealt.map((d) => d.workspace_id))) await emitConversationEvent(tx, ws, 'conversation.assigned', dealt.filter((d) => d.workspace_id === ws).map((d) => d.id), now);
  await tx.execute(sql`update inbox_agents a set turn = x.turn, updated_at = now()
                       from unnest(${param(turns.map((t) => t.workspace_id))}::uuid[], ${param(turns.map((t) => t.user_id))}::uuid[], ${param(turns.map((t) => t.turn))}::bigint[]) as x(ws, user_id, turn)
                       where a.workspace_id = x.ws and a.user_id = x.user_id`);
}

/**
 * Deals `ids` (conversations just assigned to a team, with no user) among the team's available
 * members when the workspace's round-robin is on, in the caller's transaction; returns how many got
 * someone. Same locking as `assignRoundRobin` (the members' agent rows, `for update`); the turns
 * are the workspace's, so the members move past every agent's turn, not only the team's — a team
 * deal does not put its members ahead in the workspace-wide round.
 */
export async function assignTeamRoundRobin(tx: Db, workspaceId: string, teamId: string, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  // `users` is the workspaces module's table: read only to leave out disabled users and viewers.
  const list = await queryRowsOf<Agent>(
    tx,
    sql`select a.workspace_id, a.user_id, a.turn from inbox_agents a
        join inbox_routing r on r.workspace_id = a.workspace_id and r.round_robin
        join inbox_team_members m on m.workspace_id = a.workspace_id and m.team_id = ${teamId}::uuid and m.user_id = a.user_id
        join users u on u.id = a.user_id and u.workspace_id = a.workspace_id and u.disabled_at is null and u.role <> 'viewer'
        where a.workspace_id = ${workspaceId}::uuid and a.available
        order by a.user_id
        for update of a`,
  );
  if (list.length === 0) return 0;
  const [top] = await queryRowsOf<{ top: string | number }>(tx, sql`select coalesce(max(turn), 0) as top from inbox_agents where workspace_id = ${workspaceId}::uuid`);
  const dealt = deal(list, ids, Number(top?.top ?? 0));
  await writeDeal(tx, dealt.picks, dealt.turns.map((t) => ({ workspace_id: workspaceId, ...t })));
  return dealt.picks.length;
}
