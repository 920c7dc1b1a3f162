import { sql } from 'drizzle-orm';
import { bigint, check, customType, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from '../workspaces/workspaces.tables.js';
import { contacts } from '../contacts/contacts.tables.js';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/** What people subscribe to ("offers", "order updates"): a category and the frequency promised. */
export const topics = pgTable(
  'topics',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    name: text('name').notNull(),
    category: text('category').notNull(),
    description: text('description'),
    frequency: text('frequency'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('topics_key_uq').on(t.workspaceId, t.key), check('topics_category_check', sql`${t.category} IN ('marketing', 'utility')`)],
);

/**
 * The consent ledger: append-only (a trigger rejects UPDATE and DELETE except inside the erasure
 * procedure). `topic_id` null means every topic. `dedupe_key` makes webhook- and import-derived
 * events idempotent: the same STOP or the same import row never records twice.
 */
export const consentEvents = pgTable(
  'consent_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    // No foreign keys to workspaces and topics (neither is ever deleted; the writer takes both from the
    // workspace's own rows): each was a checked lookup per appended event, a third of an import's
    // ledger cost (docs/performance.md). The contact key stays: erasure relies on it as a safety net.
    workspaceId: uuid('workspace_id').notNull(),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    topicId: uuid('topic_id'),
    action: text('action').notNull(),
    source: text('source').notNull(),
    evidence: jsonb('evidence').$type<Record<string, unknown>>().notNull(),
    textHash: text('text_hash'),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    dedupeKey: text('dedupe_key'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('consent_events_contact_idx').on(t.workspaceId, t.contactId, t.id),
    uniqueIndex('consent_events_dedupe_uq').on(t.workspaceId, t.dedupeKey),
    // Opt-ins per opt-in source (optinCountsBySource): only grants that name a source are indexed.
    index('consent_events_optin_source_idx')
      .on(t.workspaceId, sql`(${t.evidence}->>'source_id')`)
      .where(sql`${t.action} = 'grant' and (${t.evidence}->>'source_id') is not null`),
    // pause / resume / frequency: the person's preference-centre choices (topic_id null), beside grants and withdrawals.
    check('consent_events_action_check', sql`${t.action} IN ('grant', 'withdraw', 'pause', 'resume', 'frequency')`),
  ],
);

/** The current consent per contact and topic, derived from the ledger in the same transaction. */
export const consentState = pgTable(
  'consent_state',
  {
    // Keys to workspaces and topics dropped like the ledger's (neither is ever deleted; two checked
    // lookups per folded grant). The contact key stays: erasing a contact cascades to its state.
    workspaceId: uuid('workspace_id').notNull(),
    contactId: uuid('contact_id').notNull().references(() => contacts.id, { onDelete: 'cascade' }),
    topicId: uuid('topic_id').notNull(),
    status: text('status').notNull(),
    source: text('source').notNull(),
    since: timestamp('since', { withTimezone: true }).notNull(),
    eventId: bigint('event_id', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.contactId, t.topicId] }),
    // contact_id last: segment counts and audiences read the ids from the index alone (index-only scan).
    index('consent_state_topic_idx').on(t.workspaceId, t.topicId, t.status, t.contactId),
    check('consent_state_status_check', sql`${t.status} IN ('granted', 'withdrawn')`),
  ],
);

/**
 * A person's messaging preferences, derived from their pause / resume / frequency ledger events in
 * the same transaction (like `consent_state`): marketing waits while `paused_until` is in the
 * future, and a `low` frequency halves the workspace's frequency cap for them.
 */
export const contactPreferences = pgTable(
  'contact_preferences',
  {
    contactId: uuid('contact_id').primaryKey().references(() => contacts.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    pausedUntil: timestamp('paused_until', { withTimezone: true }),
    pauseEventId: bigint('pause_event_id', { mode: 'number' }),
    frequency: text('frequency').notNull().default('normal'),
    frequencyEventId: bigint('frequency_event_id', { mode: 'number' }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  // The send gate asks "paused now?" / "low frequency?" per recipient by primary key; no other index is needed.
  (t) => [
    check('contact_preferences_frequency_check', sql`${t.frequency} IN ('normal', 'low')`),
  ],
);

/**
 * Numbers that must not be re-subscribed by anyone but the person: a keyed hash (HMAC-SHA256 with
 * the workspace's suppression key) of the E.164 number, and nothing else that identifies them, so
 * the entry survives erasure of the contact.
 */
export const suppressions = pgTable(
  'suppressions',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    phoneHash: text('phone_hash').notNull(),
    reason: text('reason').notNull(),
    source: text('source').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.phoneHash] })],
);

/** Per-workspace secret for suppression hashes (a separate table so workspace reads never carry it). */
export const workspaceKeys = pgTable('workspace_keys', {
  workspaceId: uuid('workspace_id').primaryKey().references(() => workspaces.id, { onDelete: 'cascade' }),
  suppressionKey: bytea('suppression_key').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Opt-out feedback ("why are you leaving?") and multi-word messages that look like an opt-out, for review. */
export const optOutNotes = pgTable(
  'opt_out_notes',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    text: text('text'),
    wamid: text('wamid'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
  },
  (t) => [index('opt_out_notes_ws_idx').on(t.workspaceId, t.kind, t.createdAt), uniqueIndex('opt_out_notes_wamid_uq').on(t.workspaceId, t.wamid)],
);
