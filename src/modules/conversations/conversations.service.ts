// The inbox: conversations listed with filters and search, one conversation with its thread and
// notes, assignment, states, read marks and notes. Agents see the conversations assigned to them
// and the unassigned ones; every other role sees all of the workspace's.
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { AppError, notFound } from '../../lib/errors.js';
import { decodeCursor, toPage, type Page } from '../../lib/pagination.js';
import { recordAudit } from '../audit/index.js';
import type { Ctx } from '../context.js';
import { displayStatus, SERVICE_WINDOW_MS } from '../messaging/index.js';
import { queryRowsOf } from '../sql.js';
import { getUser } from '../workspaces/index.js';
import { WINDOW_CLOSING_MS, windowOf, wordsQuery, type ConversationFilter, type ConversationState } from './conversations.rules.js';
import { assignIn, noteIn, stateIn, type ConversationDetailOut, type ConversationOut } from './conversations.schemas.js';
import { conversationNotes, conversations } from './conversations.tables.js';
import { notifyChanged } from './notify.js';
import { recordAgentReply, recordStateChange } from './figures.service.js';
import { assignTeamRoundRobin } from './routing.service.js';
import { assertInboxTeam, teamHasMember } from './teams.service.js';
import { emitConversationEvent } from './conversation-events.js';

type Row = {
  id: string;
  number_id: string;
  contact_id: string;
  name: string | null;
  profile_name: string | null;
  phone: string | null;
  tags: string[];
  state: ConversationState;
  assignee_id: string | null;
  team_id: string | null;
  unread: number;
  preview: string | null;
  last_message_at: string | Date;
  last_inbound_at: string | Date | null;
};

const iso = (v: string | Date) => new Date(v).toISOString();

/** Who may see which conversations: agents their own and the unassigned ones. */
function visibleTo(ctx: Ctx): SQL {
  return ctx.actor.role === 'agent' ? sql`(cv.assignee_id is null or cv.assignee_id = ${ctx.actor.id}::uuid)` : sql`true`;
}

function filterSql(ctx: Ctx, filter: ConversationFilter): SQL {
  const now = ctx.now.getTime();
  switch (filter) {
    case 'all':
      return sql`true`;
    case 'mine':
      // Mine: assigned to me, or to one of my teams and to no user yet (`inbox_team_members_user_idx`).
      return ctx.actor.type === 'user'
        ? sql`(cv.assignee_id = ${ctx.actor.id}::uuid or (cv.assignee_id is null and cv.team_id in (select m.team_id from inbox_team_members m where m.workspace_id = ${ctx.workspaceId} and m.user_id = ${ctx.actor.id}::uuid)))`
        : sql`false`;
    case 'unassigned':
      return sql`cv.assignee_id is null`;
    case 'open':
    case 'pending':
    case 'closed':
      return sql`cv.state = ${filter}`;
    case 'window_closing':
      // Still open, and closing within the hour: the person wrote between 24 h and 23 h ago.
      return sql`cv.last_inbound_at > ${new Date(now - SERVICE_WINDOW_MS).toISOString()}::timestamptz and cv.last_inbound_at <= ${new Date(now - SERVICE_WINDOW_MS + WINDOW_CLOSING_MS).toISOString()}::timestamptz`;
  }
}

/**
 * Name or phone (any part: trigrams), tag (exact), or words in the person's messages (whole words
 * by prefix, full text; theirs only: only inbound bodies are indexed, as a broadcast's millions of
 * copies would make the index as large as the log). Why a set of matching contacts (one index
 * search over contacts and one over the messages) rather than a test per conversation: a rare word
 * would otherwise probe every conversation's messages in turn (2 s at 100,000).
 */
function searchSql(ctx: Ctx, q: string | undefined): SQL {
  if (!q) return sql`true`;
  const like = `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
  const words = wordsQuery(q);
  // The expressions match the indexes `contacts_search_trgm` (trigrams; partial on in_inbox: only people with a conversation), `contacts_tags_gin` and `messages_inbound_body_fts` (full text).
  // Why `= any(array(…))`: the matching contacts are computed once, then their conversations are fetched by `conversations_contact_idx`
  // (an `in (…)` join was planned as a hash join over all of the workspace's conversations: 90–200 ms at 100,000).
  return sql`cv.contact_id = any(array(select c2.id from contacts c2 where c2.workspace_id = ${ctx.workspaceId} and c2.in_inbox
                                 and ((coalesce(c2.name, '') || ' ' || coalesce(c2.profile_name, '') || ' ' || coalesce(c2.phone, '')) ilike ${like} or c2.tags @> array[${q}]::text[])
                               union
                               select m.contact_id from messages m where m.workspace_id = ${ctx.workspaceId} and m.direction = 'in' and m.contact_id is not null
                                 and ${words ? sql`to_tsvector('simple', coalesce(m.body, '')) @@ to_tsquery('simple', ${words})` : sql`false`}))`;
}

/** The person's messages on this number after the last read mark (`messages` is the messaging module's log). */
const UNREAD = sql`(select count(*)::int from messages m where m.workspace_id = cv.workspace_id and m.contact_id = cv.contact_id and m.number_id = cv.number_id
                     and m.direction = 'in' and m.sent_at > coalesce(cv.read_at, '-infinity'))`;

const SELECT = sql`select cv.id, cv.number_id, cv.contact_id, c.name, c.profile_name, c.phone, c.tags, cv.state, cv.assignee_id, cv.team_id, ${UNREAD} as unread, cv.preview, cv.last_message_at, cv.last_inbound_at
                   from conversations cv join contacts c on c.id = cv.contact_id`;

function toOut(r: Row, now: Date): ConversationOut {
  return {
    id: r.id,
    number_id: r.number_id,
    contact: { id: r.contact_id, name: r.name, profile_name: r.profile_name, phone: r.phone, tags: r.tags },
    state: r.state,
    assignee_id: r.assignee_id,
    team_id: r.team_id,
    unread: r.unread,
    preview: r.preview,
    last_message_at: iso(r.last_message_at),
    window: windowOf(r.last_inbound_at ? new Date(r.last_inbound_at) : null, now),
  };
}

/** One page of the inbox, newest activity first. */
export async function listConversations(ctx: Ctx, q: { filter: ConversationFilter; q?: string | undefined; team?: string | undefined; limit: number; cursor?: string | undefined }): Promise<Page<ConversationOut>> {
  const after = decodeCursor(q.cursor, { t: 'time', id: 'uuid' });
  const keyset = after ? sql`(cv.last_message_at, cv.id) < (${after.t}::timestamptz, ${after.id}::uuid)` : sql`true`;
  const rows = await queryRowsOf<Row>(
    ctx.db,
    sql`${SELECT} where cv.workspace_id = ${ctx.workspaceId} and ${visibleTo(ctx)} and ${filterSql(ctx, q.filter)} and ${searchSql(ctx, q.q)} and ${q.team ? sql`cv.team_id = ${q.team}::uuid` : sql`true`} and ${keyset}
        order by cv.last_message_at desc, cv.id desc limit ${q.limit + 1}`,
  );
  return toPage(rows, q.limit, (r) => toOut(r, ctx.now), (r) => ({ t: iso(r.last_message_at), id: r.id }));
}

async function loadRow(ctx: Ctx, id: string): Promise<Row> {
  const [row] = await queryRowsOf<Row>(ctx.db, sql`${SELECT} where cv.id = ${id}::uuid and cv.workspace_id = ${ctx.workspaceId} and ${visibleTo(ctx)}`);
  if (!row) throw notFound('conversation', id);
  return row;
}

/** One conversation with its newest 100 messages (oldest first, every sender) and its notes. */
export async function getConversation(ctx: Ctx, id: string): Promise<ConversationDetailOut> {
  const row = await loadRow(ctx, id);
  const thread = await queryRowsOf<{ id: string; direction: string; type: string; body: string | null; status_rank: number; error_code: number | null; broadcast_id: string | null; callback_data: string | null; payload: Record<string, unknown>; sent_at: string | Date }>(
    ctx.db,
    sql`select * from (select m.id, m.direction, m.type, m.body, m.status_rank, m.error_code, m.broadcast_id, m.callback_data, m.payload, m.sent_at
                       from messages m where m.workspace_id = ${ctx.workspaceId} and m.contact_id = ${row.contact_id} and (m.number_id = ${row.number_id} or m.number_id is null)
                       order by m.sent_at desc limit 100) t order by sent_at`,
  );
  const notes = await ctx.db.select().from(conversationNotes).where(and(eq(conversationNotes.conversationId, id), eq(conversationNotes.workspaceId, ctx.workspaceId))).orderBy(conversationNotes.createdAt);
  return {
    ...toOut(row, ctx.now),
    messages: thread.map((m) => ({ id: m.id, direction: m.direction, type: m.type, body: m.body, status: displayStatus(m.direction as 'in' | 'out', m.status_rank, m.error_code), source: sourceOf(m), at: iso(m.sent_at) })),
    notes: notes.map((n) => ({ id: n.id, author_id: n.authorId, text: n.text, created_at: n.createdAt.toISOString() })),
  };
}

function sourceOf(m: { direction: string; broadcast_id: string | null; callback_data: string | null; payload: Record<string, unknown> }): string {
  if (m.direction === 'in') return 'person';
  if (m.broadcast_id) return 'broadcast';
  const by = (m.payload.sent_by as { type?: string } | undefined)?.type;
  if (by === 'user') return 'agent';
  if (by === 'api_key') return 'api';
  const kind = (m.payload.kind as string | undefined) ?? '';
  if (kind === 'automation') return 'automation';
  return kind.startsWith('auto_reply_') ? 'auto_reply' : 'system';
}

/**
 * Assigns a conversation to a user, a team, or both (null unassigns either). A team given alone
 * keeps the user if they are in it, else clears them; a conversation left with a team and no user
 * is dealt round-robin among the team's available members (when round-robin is on). A user and a
 * team given together must match (422 on `assignee_id`).
 */
export async function assignConversation(ctx: Ctx, id: string, input: unknown): Promise<ConversationDetailOut> {
  const { assignee_id, team_id } = assignIn.parse(input);
  const row = await loadRow(ctx, id);
  // A user or team of another workspace, or none, is not found (422 would tell that the id exists somewhere).
  if (assignee_id) await getUser(ctx, assignee_id);
  let assignee = assignee_id === undefined ? row.assignee_id : assignee_id;
  if (team_id) {
    await assertInboxTeam(ctx, team_id);
    if (assignee && !(await teamHasMember(ctx, team_id, assignee))) {
      if (assignee_id) throw new AppError('VALIDATION_FAILED', 'this user is not in the team; add them to it first, or assign the team alone', { fields: [{ field: 'assignee_id', message: 'not a member of team_id' }] });
      assignee = null;
    }
  }
  const team = team_id === undefined ? row.team_id : team_id;
  // A person's handling begins when someone first takes it (a hand-over to another agent does not restart it).
  const handledAt = sql`case when ${conversations.assigneeId} is null and ${conversations.handedOverAt} is null then clock_timestamp() else ${conversations.handledAt} end`;
  await ctx.db.update(conversations).set({ assigneeId: assignee, teamId: team, updatedAt: ctx.now, ...(assignee ? { handledAt } : {}) }).where(and(eq(conversations.id, id), eq(conversations.workspaceId, ctx.workspaceId)));
  // An explicit `assignee_id: null` leaves it to the team; otherwise the team's round deals it.
  const dealt = team && !assignee && assignee_id === undefined ? await assignTeamRoundRobin(ctx.db, ctx.workspaceId, team, [id]) : 0;
  await notifyChanged(ctx.db, [{ id, workspace_id: ctx.workspaceId }]);
  await recordAudit(ctx, { action: 'conversation.assigned', targetType: 'conversation', targetId: id, details: { assignee_id: assignee, team_id: team } });
  // A team's round that dealt it to someone announced the assignment already (with the member).
  if (dealt === 0) await emitConversationEvent(ctx.db, ctx.workspaceId, 'conversation.assigned', [id], ctx.now);
  return getConversation(ctx, id);
}

/** Opens, sets pending (waiting on the customer) or closes a conversation; a later message from the person reopens it. */
export async function setConversationState(ctx: Ctx, id: string, input: unknown): Promise<ConversationDetailOut> {
  const { state } = stateIn.parse(input);
  const row = await loadRow(ctx, id);
  await recordStateChange(ctx, id, row.state, state);
  // Closing ends a hand-over: bots may answer the person again.
  await ctx.db.update(conversations).set({ state, stateAt: ctx.now, updatedAt: ctx.now, ...(state === 'closed' ? { handedOverAt: null } : {}) }).where(and(eq(conversations.id, id), eq(conversations.workspaceId, ctx.workspaceId)));
  await notifyChanged(ctx.db, [{ id, workspace_id: ctx.workspaceId }]);
  await recordAudit(ctx, { action: state === 'closed' ? 'conversation.closed' : 'conversation.state_changed', targetType: 'conversation', targetId: id, details: { state } });
  if (state === 'closed' && row.state !== 'closed') await emitConversationEvent(ctx.db, ctx.workspaceId, 'conversation.closed', [id], ctx.now);
  return getConversation(ctx, id);
}

/** Marks everything the person sent so far as read; returns the wamid to send WhatsApp's read receipt for. */
export async function markConversationRead(ctx: Ctx, id: string): Promise<{ numberId: string; wamid: string | null }> {
  const row = await loadRow(ctx, id);
  const [c] = await ctx.db
    .update(conversations)
    .set({ readAt: sql`greatest(${conversations.readAt}, ${conversations.lastInboundAt})`, updatedAt: ctx.now })
    .where(and(eq(conversations.id, id), eq(conversations.workspaceId, ctx.workspaceId)))
    .returning({ wamid: conversations.lastInboundWamid });
  await notifyChanged(ctx.db, [{ id, workspace_id: ctx.workspaceId }]);
  return { numberId: row.number_id, wamid: row.unread > 0 ? (c?.wamid ?? null) : null };
}

/** Adds an internal note (never sent to the person). */
export async function addConversationNote(ctx: Ctx, id: string, input: unknown): Promise<ConversationDetailOut> {
  const { text } = noteIn.parse(input);
  await loadRow(ctx, id);
  await ctx.db.insert(conversationNotes).values({ workspaceId: ctx.workspaceId, conversationId: id, authorId: ctx.actor.type === 'user' ? ctx.actor.id : null, text, createdAt: ctx.now });
  return getConversation(ctx, id);
}

/** The contact and number of a conversation the caller may see (for replies). */
export async function conversationTarget(ctx: Ctx, id: string): Promise<{ contactId: string; numberId: string }> {
  const row = await loadRow(ctx, id);
  return { contactId: row.contact_id, numberId: row.number_id };
}

/** Records an agent's reply on its conversation: newest activity, preview, and waiting on the customer. */
export async function noteAgentReply(ctx: Ctx, id: string, preview: string): Promise<void> {
  await ctx.db
    .update(conversations)
    .set({ lastMessageAt: sql`greatest(${conversations.lastMessageAt}, ${ctx.now.toISOString()}::timestamptz)`, preview, updatedAt: ctx.now })
    .where(and(eq(conversations.id, id), eq(conversations.workspaceId, ctx.workspaceId)));
  await recordAgentReply(ctx, id);
  await notifyChanged(ctx.db, [{ id, workspace_id: ctx.workspaceId }]);
}
