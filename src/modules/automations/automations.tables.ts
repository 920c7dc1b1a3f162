import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from '../workspaces/workspaces.tables.js';
import { contacts } from '../contacts/contacts.tables.js';
import { topics } from '../consent/consent.tables.js';
import { phoneNumbers } from '../numbers/numbers.tables.js';
import { AUTOMATION_STATUSES, RUN_STATES } from './automations.rules.js';

import { inList } from '../sql.js';

/**
 * An automation: a trigger and a graph of steps, edited as a draft and run from published,
 * immutable versions (`automation_versions`). `version` is the version new runs start on.
 */
export const automations = pgTable(
  'automations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    status: text('status').notNull().default('draft'),
    // The draft being edited: { trigger, steps, topic, number_id, reentry_days, goal }.
    draft: jsonb('draft').$type<Record<string, unknown>>().notNull(),
    version: integer('version'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('automations_workspace_idx').on(t.workspaceId, t.createdAt), check('automations_status_check', inList('status', AUTOMATION_STATUSES))],
);

/** A published definition, never changed: runs finish on the version they started. */
export const automationVersions = pgTable(
  'automation_versions',
  {
    automationId: uuid('automation_id').notNull().references(() => automations.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    definition: jsonb('definition').$type<Record<string, unknown>>().notNull(),
    topicId: uuid('topic_id').references(() => topics.id, { onDelete: 'set null' }),
    numberId: uuid('number_id').references(() => phoneNumbers.id, { onDelete: 'set null' }),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.automationId, t.version] })],
);

/**
 * One person going through one version of an automation. Its timer is `due_at`: a worker locks a
 * batch of due runs with SKIP LOCKED in one transaction, runs their steps until the next wait, and
 * commits the steps' effects, their log rows and the new positions together, so each step runs
 * once. (`locked_until` is unused since the batch holds row locks; kept to avoid a migration.)
 */
export const automationRuns = pgTable(
  'automation_runs',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    automationId: uuid('automation_id').notNull().references(() => automations.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    contactId: uuid('contact_id').notNull().references(() => contacts.id, { onDelete: 'cascade' }),
    state: text('state').notNull().default('active'),
    // The step to run next (null once finished), and how many steps this run has taken.
    stepId: text('step_id'),
    seq: integer('seq').notNull().default(0),
    dueAt: timestamp('due_at', { withTimezone: true }),
    // 'reply' while a wait_for_reply or ask step waits for the person; 'replied' once they answered
    // (the trigger scan sets it and makes the run due), null otherwise.
    waitingFor: text('waiting_for'),
    // What the run remembers: the last reply ({ text, payload, at }) and an ask step's attempts.
    context: jsonb('context').$type<Record<string, unknown>>().notNull().default({}),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    reason: text('reason'),
    // What started it (trigger kind and source id) and its idempotency key, if any.
    source: jsonb('source').$type<Record<string, unknown>>().notNull().default({}),
    dedupeKey: text('dedupe_key').notNull(),
    enrolledAt: timestamp('enrolled_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('automation_runs_dedupe_uq').on(t.automationId, t.dedupeKey),
    index('automation_runs_due_idx').on(t.dueAt).where(sql`${t.state} in ('active', 'waiting')`),
    index('automation_runs_contact_idx').on(t.automationId, t.contactId, t.enrolledAt),
    index('automation_runs_replies_idx').on(t.workspaceId, t.contactId).where(sql`${t.waitingFor} = 'reply'`),
    index('automation_runs_events_idx').on(t.workspaceId, t.contactId).where(sql`${t.waitingFor} = 'event'`),
    check('automation_runs_state_check', inList('state', RUN_STATES)),
  ],
);

/** What each step of a run did: one row per step taken (sent, waited, skipped with why, failed with what). */
export const automationStepRuns = pgTable(
  'automation_step_runs',
  {
    runId: bigint('run_id', { mode: 'number' }).notNull().references(() => automationRuns.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    automationId: uuid('automation_id').notNull(),
    stepId: text('step_id').notNull(),
    outcome: text('outcome').notNull(),
    reason: text('reason'),
    // The outbox item a send step queued (its message, statuses and clicks follow from it).
    outboxKey: text('outbox_key'),
    // The first click on a tracked link this step sent (clicks.service).
    clickedAt: timestamp('clicked_at', { withTimezone: true }),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.seq] }), index('automation_step_runs_step_idx').on(t.automationId, t.stepId)],
);

/**
 * How far the trigger scan has read each source (`contact_events`, `consent_events`): the highest
 * id it will not read again. One process scans at a time (the row is locked, others skip).
 */
export const automationCursors = pgTable('automation_cursors', {
  source: text('source').primaryKey(),
  lastId: bigint('last_id', { mode: 'number' }).notNull().default(0),
  // For a source without a growing id (inbound messages): the creation time read up to.
  lastAt: timestamp('last_at', { withTimezone: true }),
  lastKey: text('last_key'),
  // Rows after the cursor (younger than the visibility lag) whose triggers were already handled:
  // read again for the lag, but not enrolled from again (ids as text; pruned as the cursor moves).
  handled: text('handled').array().notNull().default(sql`'{}'::text[]`),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Who was in a segment-triggered automation's segment at its last sweep: someone there now and not
 * before has entered it; someone who left is removed, so entering again counts again.
 */
export const automationSegmentSeen = pgTable(
  'automation_segment_seen',
  {
    automationId: uuid('automation_id').notNull().references(() => automations.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id').notNull().references(() => contacts.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.automationId, t.contactId] })],
);
