// Agent figures: first response time (the person's first unanswered message in an opening → the
// first agent reply), resolution time (the opening → its close) and conversations handled, per agent
// and per day in the workspace's time zone. Replies and closes are recorded as they happen
// (`conversation_activity`); the figures are one grouped statement over a period.
import { sql } from 'drizzle-orm';
import type { Ctx } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { getWorkspaceSettings, listUsers } from '../workspaces/index.js';
import type { ConversationState } from './conversations.rules.js';
import { figuresQuery, type FiguresOut } from './figures.schemas.js';

const userOf = (ctx: Ctx) => (ctx.actor.type === 'user' ? ctx.actor.id : null);

/**
 * Records an agent's reply (in the reply's transaction). The opening's first reply after the
 * person's first message sets `first_response_at` and carries that message's time as `since`.
 */
export async function recordAgentReply(ctx: Ctx, conversationId: string): Promise<void> {
  const now = ctx.now.toISOString();
  await ctx.db.execute(sql`
    with first as (
      update conversations set first_response_at = ${now}::timestamptz
      where id = ${conversationId}::uuid and workspace_id = ${ctx.workspaceId} and first_response_at is null and first_inbound_at <= ${now}::timestamptz
      returning first_inbound_at)
    insert into conversation_activity (workspace_id, conversation_id, agent_id, kind, since, at)
    values (${ctx.workspaceId}, ${conversationId}::uuid, ${userOf(ctx)}, 'reply', (select first_inbound_at from first), ${now}::timestamptz)`);
}

/**
 * Records a state change's effect on the figures (before the state column is written): a close
 * ends the opening (a `resolved` row for the assignee, else the user who closed it); leaving
 * `closed` starts a new opening.
 */
export async function recordStateChange(ctx: Ctx, conversationId: string, from: ConversationState, to: ConversationState): Promise<void> {
  const now = ctx.now.toISOString();
  if (to === 'closed' && from !== 'closed') {
    await ctx.db.execute(sql`
      insert into conversation_activity (workspace_id, conversation_id, agent_id, kind, since, at)
      select workspace_id, id, coalesce(assignee_id, ${userOf(ctx)}::uuid), 'resolved', opened_at, ${now}::timestamptz
      from conversations where id = ${conversationId}::uuid and workspace_id = ${ctx.workspaceId}`);
  } else if (from === 'closed' && to !== 'closed') {
    await ctx.db.execute(sql`
      update conversations set opened_at = ${now}::timestamptz, first_inbound_at = null, first_response_at = null
      where id = ${conversationId}::uuid and workspace_id = ${ctx.workspaceId}`);
  }
}

type FigureRow = {
  agent_id: string | null;
  day: string | null;
  handled: number;
  replies: number;
  first_responses: number;
  frt_avg: number | null;
  frt_p50: number | null;
  resolved: number;
  res_avg: number | null;
  res_p50: number | null;
};

/** Today's date (YYYY-MM-DD) in `zone`, and the date `days` before a date. */
const dayIn = (d: Date, zone: string) => new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
const daysBefore = (day: string, days: number) => new Date(Date.parse(day) - days * 86_400_000).toISOString().slice(0, 10);
const num = (v: number | string | null) => (v === null ? null : Math.round(Number(v) * 10) / 10);

/** The names (else emails) of the users in `rows` (a workspace has few users: its list, page by page). */
async function agentNames(ctx: Ctx, rows: FigureRow[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  if (!rows.some((r) => r.agent_id)) return names;
  let cursor: string | undefined;
  do {
    const page = await listUsers(ctx, { limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const u of page.data) names.set(u.id, u.name || u.email);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return names;
}

/** The agent figures over a period of days (workspace time zone); agents see only their own. */
export async function getAgentFigures(ctx: Ctx, input: unknown): Promise<FiguresOut> {
  const q = figuresQuery.parse(input);
  const settings = await getWorkspaceSettings(ctx.db, ctx.workspaceId);
  const zone = typeof settings.timezone === 'string' ? settings.timezone : 'UTC';
  const to = q.to ?? dayIn(ctx.now, zone);
  const from = q.from ?? daysBefore(to, 6);
  // The schema checks the pair when both are given; with a default on one side, check again.
  figuresQuery.parse({ from, to });
  const agent = ctx.actor.role === 'agent' ? userOf(ctx) : (q.agent ?? null);
  const first = sql`kind = 'reply' and since is not null`;
  // Why grouping sets: the per-day rows and each agent's totals over the period (distinct conversations, true medians) in one pass.
  const rows = await queryRowsOf<FigureRow>(
    ctx.db,
    sql`with a as (
          select agent_id, conversation_id, kind, since, to_char(at at time zone ${zone}, 'YYYY-MM-DD') as day, extract(epoch from at - since)::float8 as secs
          from conversation_activity
          where workspace_id = ${ctx.workspaceId} and at >= (${from}::date::timestamp at time zone ${zone}) and at < ((${to}::date + 1)::timestamp at time zone ${zone})
            ${agent ? sql`and agent_id = ${agent}::uuid` : sql``})
        select agent_id, case when grouping(day) = 1 then null else day end as day,
          count(distinct conversation_id)::int as handled,
          count(*) filter (where kind = 'reply')::int as replies,
          count(*) filter (where ${first})::int as first_responses,
          avg(secs) filter (where ${first}) as frt_avg,
          percentile_cont(0.5) within group (order by secs) filter (where ${first}) as frt_p50,
          count(*) filter (where kind = 'resolved')::int as resolved,
          avg(secs) filter (where kind = 'resolved') as res_avg,
          percentile_cont(0.5) within group (order by secs) filter (where kind = 'resolved') as res_p50
        from a group by grouping sets ((agent_id, day), (agent_id))
        order by agent_id nulls last, day nulls first`,
  );
  const names = await agentNames(ctx, rows);
  const out = (r: FigureRow) => ({
    agent_id: r.agent_id,
    agent_name: r.agent_id ? (names.get(r.agent_id) ?? null) : null,
    handled: r.handled,
    replies: r.replies,
    first_responses: r.first_responses,
    first_response_avg_s: num(r.frt_avg),
    first_response_p50_s: num(r.frt_p50),
    resolved: r.resolved,
    resolution_avg_s: num(r.res_avg),
    resolution_p50_s: num(r.res_p50),
  });
  return {
    timezone: zone,
    from,
    to,
    agents: rows.filter((r) => r.day === null).map(out),
    days: rows.filter((r) => r.day !== null).map((r) => ({ ...out(r), day: r.day! })),
  };
}
