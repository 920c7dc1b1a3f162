import { sql } from 'drizzle-orm';
import { type AnyPgColumn, bigint, boolean, check, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { contacts } from '../contacts/contacts.tables.js';
import { phoneNumbers } from '../numbers/numbers.tables.js';
import { users, workspaces } from '../workspaces/workspaces.tables.js';
import { inList } from '../sql.js';
import { ACTIVITY_KINDS, CONVERSATION_STATES } from './conversations.rules.js';

/**
 * One conversation per contact and business number: its state, who handles it, and the latest
 * activity the inbox sorts by. The messages themselves stay in `messages` (messaging module); the
 * row is kept current from them by `syncConversations` (idempotent: every column only moves
 * forward, so reading a message twice changes nothing). Unread counts are counted, not stored:
 * the person's messages after `read_at`.
 */
export const conversations = pgTable(
  'conversations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    numberId: uuid('number_id').notNull().references(() => phoneNumbers.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id').notNull().references(() => contacts.id, { onDelete: 'cascade' }),
    state: text('state').notNull().default('open'),
    assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    // The team it is assigned to (inbox_teams; deleting the team clears it).
    teamId: uuid('team_id').references((): AnyPgColumn => inboxTeams.id, { onDelete: 'set null' }),
    // The newest message either way (what the list sorts by), and the person's newest (their 24 h window).
    lastMessageAt: timestamp('last_message_at', { withTimezone: true }).notNull(),
    lastInboundAt: timestamp('last_inbound_at', { withTimezone: true }),
    lastInboundWamid: text('last_inbound_wamid'),
    preview: text('preview'),
    // Messages from the person after this are unread.
    readAt: timestamp('read_at', { withTimezone: true }),
    // Set when an automation handed the person over to a person (bots stay quiet until it closes).
    handedOverAt: timestamp('handed_over_at', { withTimezone: true }),
    // When a person's handling of it last began (assigned, handed over, or reopened by the person
    // while assigned), by the database clock: auto-replies stay silent for messages that reached us
    // after it (compared with the message's arrival, not WhatsApp's whole-second send time).
    handledAt: timestamp('handled_at', { withTimezone: true }),
    // When the state last changed: a message from the person after it reopens a pending or closed conversation.
    stateAt: timestamp('state_at', { withTimezone: true }).notNull().defaultNow(),
    // Agent figures (figures.service.ts): when this opening began (created, or reopened after
    // closed), the person's first message in it, and the first agent reply after that message.
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull().defaultNow(),
    firstInboundAt: timestamp('first_inbound_at', { withTimezone: true }),
    firstResponseAt: timestamp('first_response_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('conversations_number_contact_uq').on(t.numberId, t.contactId),
    index('conversations_list_idx').on(t.workspaceId, t.lastMessageAt, t.id),
    index('conversations_state_idx').on(t.workspaceId, t.state, t.lastMessageAt, t.id),
    index('conversations_assignee_idx').on(t.workspaceId, t.assigneeId, t.lastMessageAt, t.id),
    index('conversations_team_idx').on(t.workspaceId, t.teamId, t.lastMessageAt, t.id).where(sql`${t.teamId} is not null`),
    // Search finds contacts first (a few of 100,000): their conversations by contact, not a scan of all.
    index('conversations_contact_idx').on(t.workspaceId, t.contactId),
    check('conversations_state_check', inList('state', CONVERSATION_STATES)),
  ],
);

/** Internal notes agents leave on a conversation (never sent to the person). */
export const conversationNotes = pgTable(
  'conversation_notes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    conversationId: uuid('conversation_id').notNull().references(() => conversations.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    text: text('text').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('conversation_notes_conversation_idx').on(t.conversationId, t.createdAt)],
);

/**
 * What agents did, for the agent figures: each agent reply (`since`: the person's first unanswered
 * message when it was the opening's first response, else null) and each close (`since`: when that
 * opening began). Append-only, human-paced (one row per reply or close).
 */
export const conversationActivity = pgTable(
  'conversation_activity',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    conversationId: uuid('conversation_id').notNull().references(() => conversations.id, { onDelete: 'cascade' }),
    agentId: uuid('agent_id').references(() => users.id, { onDelete: 'set null' }),
    kind: text('kind').notNull(),
    since: timestamp('since', { withTimezone: true }),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [index('conversation_activity_at_idx').on(t.workspaceId, t.at), check('conversation_activity_kind_check', inList('kind', ACTIVITY_KINDS))],
);

/**
 * How far `syncConversations` has read: row `inbound`, the inbound messages ((created_at, id) of the
 * last one passed for good); row `statuses`, the status events (`last_seq`: every id up to it passed
 * for good; `seen_seq` and `seen_count`: the highest id announced and how many unsettled ones the
 * last pass saw, so a late-committed event is announced once, not every pass).
 */
export const conversationCursor = pgTable('conversation_cursor', {
  name: text('name').primaryKey(),
  lastAt: timestamp('last_at', { withTimezone: true }).notNull(),
  lastKey: uuid('last_key').notNull(),
  lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
  seenSeq: bigint('seen_seq', { mode: 'number' }).notNull().default(0),
  seenCount: integer('seen_count').notNull().default(0),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Saved answers agents insert from the composer; `{{first_name}}`-style variables are filled from the contact, the workspace and the agent. */
export const cannedReplies = pgTable(
  'canned_replies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    // What agents type or pick it by ("hours", "returns").
    shortcut: text('shortcut').notNull(),
    text: text('text').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('canned_replies_shortcut_uq').on(t.workspaceId, sql`lower(${t.shortcut})`)],
);

/** Whether a workspace hands new conversations out round-robin (absent: off). */
export const inboxRouting = pgTable('inbox_routing', {
  workspaceId: uuid('workspace_id')
    .primaryKey()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  roundRobin: boolean('round_robin').notNull().default(false),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * A user's availability for new conversations, and their place in the round-robin: the agent with
 * the lowest `turn` gets the next one, then their turn moves past the workspace's highest.
 */
export const inboxAgents = pgTable(
  'inbox_agents',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    available: boolean('available').notNull().default(false),
    turn: bigint('turn', { mode: 'number' }).notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.userId] }), index('inbox_agents_turn_idx').on(t.workspaceId, t.turn).where(sql`${t.available}`)],
);

/** A team of agents conversations can be assigned to (a name unique per workspace without case). */
export const inboxTeams = pgTable(
  'inbox_teams',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('inbox_teams_name_uq').on(t.workspaceId, sql`lower(${t.name})`)],
);

/** Who is in a team: round-robin deals a team's conversations among its available members. */
export const inboxTeamMembers = pgTable(
  'inbox_team_members',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    teamId: uuid('team_id').notNull().references(() => inboxTeams.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] }), index('inbox_team_members_user_idx').on(t.workspaceId, t.userId)],
);
