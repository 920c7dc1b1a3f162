import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from '../workspaces/workspaces.tables.js';
import { contacts } from '../contacts/contacts.tables.js';
import { phoneNumbers } from '../numbers/numbers.tables.js';

/** The message log: every inbound and outbound WhatsApp message, per contact. */
export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    numberId: uuid('number_id').references(() => phoneNumbers.id, { onDelete: 'set null' }),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'cascade' }),
    waId: text('wa_id').notNull(),
    direction: text('direction').notNull(),
    type: text('type').notNull(),
    body: text('body'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    wamid: text('wamid'),
    contextWamid: text('context_wamid'),
    // Outbound delivery progress only ever moves up: 0 pending, 1 accepted, 2 sent, 3 delivered, 4 read.
    statusRank: smallint('status_rank').notNull().default(0),
    errorCode: integer('error_code'),
    failedAt: timestamp('failed_at', { withTimezone: true }),
    callbackData: text('callback_data'),
    // The broadcast this outbound message belongs to, if any (segments ask "read broadcast X").
    broadcastId: uuid('broadcast_id'),
    pricingCategory: text('pricing_category'),
    // The pricing of its status webhooks says Meta charges for it (null: no pricing seen yet).
    pricingBillable: boolean('pricing_billable'),
    // An outbound message sent while no customer service window was open with this person on this
    // number: it counts against the messaging limit (unique people per moving 24 h, per portfolio).
    businessInitiated: boolean('business_initiated').notNull().default(false),
    // Marketing content (a MARKETING template, or what an automation sends as marketing): quiet hours
    // and the frequency cap count it, whichever sender sent it (sending/marketing.rules.ts).
    marketing: boolean('marketing').notNull().default(false),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
    statusAt: timestamp('status_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('messages_workspace_wamid_uq').on(t.workspaceId, t.wamid),
    index('messages_contact_idx').on(t.workspaceId, t.contactId, t.sentAt),
    index('messages_callback_idx').on(t.callbackData),
    index('messages_number_out_idx').on(t.numberId, t.sentAt).where(sql`${t.direction} = 'out'`),
    // The messaging limit counts the unique people reached outside a service window over 24 h.
    index('messages_initiated_idx').on(t.workspaceId, t.sentAt).where(sql`${t.businessInitiated}`),
    // Automations read new inbound messages in arrival order (keyword and reply triggers).
    index('messages_inbound_created_idx').on(t.createdAt).where(sql`${t.direction} = 'in'`),
    // The inbox's search for words in a person's messages (conversations.service.ts `searchSql`, the same expression):
    // full text with the 'simple' configuration (any language, no stemming), words matched by prefix.
    index('messages_inbound_body_fts').using('gin', sql`to_tsvector('simple', coalesce(${t.body}, ''))`).where(sql`${t.direction} = 'in'`),
    index('messages_broadcast_idx').on(t.workspaceId, t.broadcastId, t.contactId).where(sql`${t.broadcastId} IS NOT NULL`),
    check('messages_direction_check', sql`${t.direction} IN ('in', 'out')`),
  ],
);

/** Every status webhook as received (duplicates collapse on wamid + status). */
export const messageStatusEvents = pgTable(
  'message_status_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    wamid: text('wamid').notNull(),
    status: text('status').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    recipientWaId: text('recipient_wa_id'),
    errorCode: integer('error_code'),
    callbackData: text('callback_data'),
    pricing: jsonb('pricing'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('message_status_events_uq').on(t.workspaceId, t.wamid, t.status), index('message_status_events_callback_idx').on(t.callbackData)],
);

/** The 24-hour customer-service window per business number and WhatsApp user, from inbound messages. */
export const serviceWindows = pgTable(
  'service_windows',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    numberId: uuid('number_id').notNull().references(() => phoneNumbers.id, { onDelete: 'cascade' }),
    waId: text('wa_id').notNull(),
    lastInboundAt: timestamp('last_inbound_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.numberId, t.waId] })],
);

/**
 * Automated messages (opt-out confirmations, welcomes, opt-in confirmations) waiting to be sent.
 * `dedupe_key` makes each one happen once however often the triggering webhook is replayed; a
 * worker claims batches with SKIP LOCKED and a lease, so several processes can share the queue.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    numberId: uuid('number_id').references(() => phoneNumbers.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    // An OutboundMessage, or { template } to send when the 24 h window is closed.
    message: jsonb('message').$type<Record<string, unknown>>().notNull(),
    status: text('status').notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    messageId: uuid('message_id'),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    doneAt: timestamp('done_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('outbox_dedupe_uq').on(t.workspaceId, t.dedupeKey),
    index('outbox_pending_idx').on(t.status, t.createdAt),
    check('outbox_status_check', sql`${t.status} IN ('queued', 'done', 'skipped', 'failed')`),
  ],
);
