import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from '../workspaces/workspaces.tables.js';
import { contacts } from '../contacts/contacts.tables.js';

/**
 * Consent ledger grants and withdrawals not yet folded into the growth rollup. Filled by a
 * statement-level trigger on `consent_events` (a copy of the columns the rollup needs) and drained
 * by the growth loop with DELETE … SKIP LOCKED, so the rollup never reads the ledger per request.
 * `first_of_act`: the first row of one person's act in one statement (a STOP across three topics is
 * three ledger rows and one opt-out).
 */
export const growthDeltas = pgTable('analytics_growth_deltas', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  workspaceId: uuid('workspace_id').notNull(),
  eventId: bigint('event_id', { mode: 'number' }).notNull(),
  contactId: uuid('contact_id'),
  topicId: uuid('topic_id'),
  action: text('action').notNull(),
  source: text('source').notNull(),
  wamid: text('wamid'),
  firstOfAct: boolean('first_of_act').notNull(),
  occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
  recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
});

/**
 * Grants and withdrawals per workspace, UTC quarter-hour, action, source, topic and business
 * number: `events` ledger rows, `acts` people's acts. Quarter hours because every zone's offset is
 * a multiple of 15 minutes, so any zone's days are whole sums of buckets (a zone change just works).
 * No personal data: erasure leaves it as it is.
 */
export const growthBuckets = pgTable(
  'analytics_growth_buckets',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    bucket: timestamp('bucket', { withTimezone: true }).notNull(),
    action: text('action').notNull(),
    source: text('source').notNull(),
    topicId: uuid('topic_id'),
    numberId: uuid('number_id'),
    events: integer('events').notNull(),
    acts: integer('acts').notNull(),
  },
  (t) => [unique('analytics_growth_buckets_uq').on(t.workspaceId, t.bucket, t.action, t.source, t.topicId, t.numberId).nullsNotDistinct()],
);

/**
 * One row per opt-out act, with the message credited with it (the latest broadcast or automation
 * send to the person within 72 h before), fixed when the act is rolled up. `contact_id` goes null
 * when the contact is erased; the row (and every count) stays.
 */
export const growthOptOuts = pgTable(
  'analytics_opt_outs',
  {
    eventId: bigint('event_id', { mode: 'number' }).primaryKey(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    source: text('source').notNull(),
    topicIds: uuid('topic_ids').array(),
    creditedKind: text('credited_kind').notNull(),
    creditedId: uuid('credited_id'),
    creditedStepId: text('credited_step_id'),
  },
  (t) => [
    index('analytics_opt_outs_ws_idx').on(t.workspaceId, t.occurredAt),
    // Erasure's ON DELETE SET NULL finds the contact's rows by this index.
    index('analytics_opt_outs_contact_idx').on(t.contactId).where(sql`${t.contactId} IS NOT NULL`),
  ],
);
