import { sql } from 'drizzle-orm';
import { bigint, check, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from '../workspaces/workspaces.tables.js';
import { contacts } from '../contacts/contacts.tables.js';

/**
 * The lifecycle stages, in the order a relationship usually moves through them: the one list the
 * rules, contact_lifecycle's CHECK constraint, segment rules and (through the segment catalog) the UI use.
 * Why here and not in a rules file: other modules may import only a module's index or its .tables
 * files (the index would be an import cycle).
 */
export const LIFECYCLE_STAGES = ['new', 'onboarding', 'active', 'loyal', 'at_risk', 'dormant', 'reactivating', 'churned', 'archived'] as const;
/** One lifecycle stage. */
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/**
 * Each contact's current lifecycle stage, written only by this module. A narrow table of its own
 * (not columns on `contacts`): a bulk run moves most stages at once, and rewriting the wide contact
 * row updated all eight of its indexes, two of them GIN, per change (docs/performance.md §3.7).
 * A contact without a row is `new` and has never changed stage. Created with fillfactor 80
 * (migration 0012), so a changed row's new version usually fits on its own page.
 */
export const contactLifecycle = pgTable(
  'contact_lifecycle',
  {
    contactId: uuid('contact_id')
      .primaryKey()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    stage: text('stage').notNull(),
    changedAt: timestamp('changed_at', { withTimezone: true }),
  },
  (t) => [
    // Segment conditions on the stage: counted from this index alone (contact_id included).
    index('contact_lifecycle_ws_stage_idx').on(t.workspaceId, t.stage, t.contactId),
    // Built from LIFECYCLE_STAGES; the text is the one migration 0012 holds.
    check('contact_lifecycle_stage_check', sql`${t.stage} IN (${sql.raw(LIFECYCLE_STAGES.map((s) => `'${s}'`).join(', '))})`),
  ],
);

/** Every lifecycle stage change, with the rule that caused it. */
export const lifecycleTransitions = pgTable(
  'lifecycle_transitions',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    fromStage: text('from_stage').notNull(),
    toStage: text('to_stage').notNull(),
    reason: text('reason').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('lifecycle_transitions_contact_idx').on(t.contactId, t.id), index('lifecycle_transitions_ws_idx').on(t.workspaceId, t.occurredAt)],
);

/**
 * Bulk maintenance runs (lifecycle evaluation, list hygiene): what each changed. A run holds a
 * lease (`lease_until`, renewed per chunk) so only one process works on a workspace at a time,
 * across short transactions, and a crashed run's lease simply expires.
 */
export const maintenanceRuns = pgTable(
  'maintenance_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    status: text('status').notNull(),
    counts: jsonb('counts').$type<Record<string, number>>().notNull().default({}),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('maintenance_runs_ws_idx').on(t.workspaceId, t.kind, t.startedAt)],
);

/**
 * How many contacts were in each lifecycle stage on a day (the workspace's time zone): one row per
 * workspace, day and stage (all nine, zeros included), written only by this module's daily snapshot
 * (stage-days.service.ts) with INSERT … ON CONFLICT DO UPDATE, so the day's row holds the last count
 * taken that day. No personal data: erasure leaves it as it is.
 */
export const lifecycleStageDays = pgTable(
  'lifecycle_stage_days',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    day: date('day').notNull(),
    stage: text('stage').notNull(),
    contacts: integer('contacts').notNull(),
    takenAt: timestamp('taken_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.day, t.stage] })],
);
