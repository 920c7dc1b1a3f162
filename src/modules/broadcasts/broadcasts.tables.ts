import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, numeric, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from '../workspaces/workspaces.tables.js';
import { phoneNumbers } from '../numbers/numbers.tables.js';
import { topics } from '../consent/consent.tables.js';
import { templates } from '../templates/templates.tables.js';
import { BROADCAST_STATUSES, RECIPIENT_STATES } from './broadcasts.rules.js';
import { AB_METRICS, AB_STATUSES } from './ab-test.rules.js';
import { inList } from '../sql.js';

/**
 * Template broadcasts: an audience (segment or rules, minus exclusions) for one topic, a template
 * with its variable mapping, a schedule and the policies in force when it started.
 */
export const broadcasts = pgTable(
  'broadcasts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    status: text('status').notNull().default('draft'),
    numberId: uuid('number_id').references(() => phoneNumbers.id, { onDelete: 'set null' }),
    topicId: uuid('topic_id').references(() => topics.id, { onDelete: 'set null' }),
    // { segment_id } or { rules }, plus `exclude: [{ segment_id } | { rules }]`.
    audience: jsonb('audience').$type<Record<string, unknown>>().notNull(),
    templateId: uuid('template_id').references(() => templates.id, { onDelete: 'set null' }),
    templateName: text('template_name').notNull(),
    templateLanguage: text('template_language').notNull(),
    templateCategory: text('template_category').notNull(),
    variables: jsonb('variables').$type<Record<string, unknown>>().notNull().default({}),
    // Tracked links: a variable `{ tracked_link: n }` renders links[n] through /r/<token>.
    links: jsonb('links').$type<string[]>().notNull().default([]),
    // { type: 'now' } | { type: 'at', at } | { type: 'local', date, time }
    schedule: jsonb('schedule').$type<Record<string, unknown>>().notNull(),
    // When a scheduled broadcast starts (snapshot); null for drafts and 'now'.
    startAt: timestamp('start_at', { withTimezone: true }),
    // Quiet hours, frequency cap, pacing, auto-pause and uncertain-send policy as they were at start.
    policy: jsonb('policy').$type<Record<string, unknown>>().notNull().default({}),
    // Exclusions by reason counted when the recipients were snapshotted.
    plan: jsonb('plan').$type<Record<string, unknown>>().notNull().default({}),
    pauseReason: text('pause_reason'),
    pauseCode: text('pause_code'),
    createdBy: text('created_by'),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('broadcasts_workspace_idx').on(t.workspaceId, t.createdAt),
    index('broadcasts_active_idx').on(t.status, t.startAt).where(sql`${t.status} IN ('scheduled', 'sending')`),
    check('broadcasts_status_check', inList('status', BROADCAST_STATUSES)),
  ],
);

/**
 * One row per recipient of a started broadcast, snapshotted with one INSERT … SELECT. Workers
 * claim due rows with SKIP LOCKED and a lease. `sending` is written just before the request
 * leaves, so a crash tells "never posted" (claimed) from "may have reached Meta" (sending).
 */
export const broadcastRecipients = pgTable(
  'broadcast_recipients',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    // No foreign keys on this table: checking them was 72 % of a 1M-row snapshot (26.6 of 36.8 s,
    // bench/broadcast-snapshot.ts). Only drafts (no rows) can be deleted; erasure deletes a
    // contact's rows itself (privacy module); claims join contacts, so no row outlives its contact's use.
    broadcastId: uuid('broadcast_id').notNull(),
    workspaceId: uuid('workspace_id').notNull(),
    contactId: uuid('contact_id').notNull(),
    state: text('state').notNull().default('queued'),
    reason: text('reason'),
    errorCode: integer('error_code'),
    notBefore: timestamp('not_before', { withTimezone: true }).notNull(),
    attempts: smallint('attempts').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    isMarketing: boolean('is_marketing').notNull(),
    // The zone quiet hours and local-time schedules use (the contact's, else the fallback), checked against PostgreSQL's zone list at snapshot.
    timezone: text('timezone').notNull(),
    messageId: uuid('message_id'),
    wamid: text('wamid'),
    // 2 sent, 3 delivered, 4 read: follows the message's status webhooks, never down.
    deliveryRank: smallint('delivery_rank').notNull().default(0),
    uncertainSince: timestamp('uncertain_since', { withTimezone: true }),
    // Set when an uncertain send was queued again under the resend policy (at most once).
    resentAt: timestamp('resent_at', { withTimezone: true }),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    repliedAt: timestamp('replied_at', { withTimezone: true }),
    clickedAt: timestamp('clicked_at', { withTimezone: true }),
    optedOutAt: timestamp('opted_out_at', { withTimezone: true }),
    // A/B tests: the recipient's group (variant key A–D, 'holdout' or 'rest'), fixed at the snapshot; null without a test.
    variant: text('variant'),
    updatedAt: timestamp('updated_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('broadcast_recipients_uq').on(t.broadcastId, t.contactId),
    index('broadcast_recipients_due_idx').on(t.broadcastId, t.notBefore).where(sql`${t.state} = 'queued'`),
    index('broadcast_recipients_leased_idx').on(t.lockedUntil).where(sql`${t.state} IN ('claimed', 'sending', 'uncertain')`),
    // Frequency caps, reply and opt-out attribution look up a contact's recent broadcast sends.
    index('broadcast_recipients_contact_sent_idx').on(t.workspaceId, t.contactId, t.sentAt).where(sql`${t.sentAt} IS NOT NULL`),
    check('broadcast_recipients_state_check', inList('state', RECIPIENT_STATES)),
  ],
);


/**
 * Test sends of a broadcast to the team's own numbers (not contacts). Their final status is read
 * from `message_status_events` by wamid, so a test that WhatsApp accepted and later failed (131026)
 * shows as failed with the code.
 */
export const broadcastTestSends = pgTable(
  'broadcast_test_sends',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    broadcastId: uuid('broadcast_id').notNull().references(() => broadcasts.id, { onDelete: 'cascade' }),
    toPhone: text('to_phone').notNull(),
    wamid: text('wamid'),
    // The send request's own error code (refused before WhatsApp took it), else null.
    error: text('error'),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('broadcast_test_sends_broadcast_idx').on(t.broadcastId, t.id)],
);

/**
 * Funnel rollup: one count per broadcast and metric (`planned`, `sent`, `skipped:<reason>`,
 * `failed:<code>`, …; see the SQL function broadcast_funnel_metrics). Only the drain writes it,
 * adding the deltas that the broadcast_recipients triggers append (funnel.service.ts).
 */
export const broadcastFunnelCounts = pgTable(
  'broadcast_funnel_counts',
  {
    broadcastId: uuid('broadcast_id').notNull().references(() => broadcasts.id, { onDelete: 'cascade' }),
    metric: text('metric').notNull(),
    workspaceId: uuid('workspace_id').notNull(),
    n: bigint('n', { mode: 'number' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.broadcastId, t.metric] })],
);

/**
 * Append-only changes to the funnel, one row per statement on broadcast_recipients and recipient
 * shape (state, rank, reason, code, replied/clicked/opted out) with a signed count. Written by
 * statement-level triggers, drained into broadcast_funnel_counts; no foreign keys (hot insert path).
 */
export const broadcastFunnelDeltas = pgTable(
  'broadcast_funnel_deltas',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    broadcastId: uuid('broadcast_id').notNull(),
    workspaceId: uuid('workspace_id').notNull(),
    state: text('state').notNull(),
    rank: smallint('rank').notNull(),
    reason: text('reason'),
    code: integer('code'),
    replied: boolean('replied').notNull(),
    clicked: boolean('clicked').notNull(),
    optedOut: boolean('opted_out').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [index('broadcast_funnel_deltas_broadcast_idx').on(t.broadcastId)],
);

/**
 * Conversions credited to broadcasts (issue 17, funnel step 8): one row per customer event (a
 * purchase or a configured goal event) that happened within the workspace's window after a
 * broadcast message was sent to its contact, credited to the last such message (last touch).
 * Written in the transaction that records the event (conversions.service.ts); `event_id` is unique,
 * so attributing the same event again changes nothing. No foreign key to contact_events: the
 * engagement module owns that table and may purge it.
 */
export const broadcastConversions = pgTable(
  'broadcast_conversions',
  {
    eventId: bigint('event_id', { mode: 'number' }).primaryKey(),
    workspaceId: uuid('workspace_id').notNull(),
    broadcastId: uuid('broadcast_id').notNull().references(() => broadcasts.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id').notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    amount: numeric('amount', { precision: 14, scale: 2 }),
    currency: text('currency'),
    /** What `refund` events of the same order took back (never more than `amount`); revenue is amount − refunded. */
    refunded: numeric('refunded', { precision: 14, scale: 2 }).notNull().default('0'),
    attributedAt: timestamp('attributed_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('broadcast_conversions_broadcast_idx').on(t.broadcastId, t.contactId), index('broadcast_conversions_contact_idx').on(t.workspaceId, t.contactId)],
);

/**
 * Goal events credited to an automation step's message (the same last-touch rule as broadcasts:
 * the conversions service credits each event once, to whichever came last). Owned by the
 * conversions service with `broadcast_conversions`. No foreign keys: automations are never deleted,
 * and erasure and merging handle the contact like the broadcast credits.
 */
export const automationConversions = pgTable(
  'automation_conversions',
  {
    eventId: bigint('event_id', { mode: 'number' }).primaryKey(),
    workspaceId: uuid('workspace_id').notNull(),
    automationId: uuid('automation_id').notNull(),
    stepId: text('step_id').notNull(),
    runId: bigint('run_id', { mode: 'number' }).notNull(),
    contactId: uuid('contact_id').notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    amount: numeric('amount', { precision: 14, scale: 2 }),
    currency: text('currency'),
    refunded: numeric('refunded', { precision: 14, scale: 2 }).notNull().default('0'),
    attributedAt: timestamp('attributed_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('automation_conversions_step_idx').on(t.automationId, t.stepId), index('automation_conversions_contact_idx').on(t.workspaceId, t.contactId)],
);

/**
 * The A/B test of a broadcast (at most one): its variants (template and variables each, resolved
 * when saved), the split, the winner metric and window, and where it is. The winner sweep claims
 * rows with FOR UPDATE SKIP LOCKED and moves `status` forward with conditional updates, so with
 * several workers each step happens once (ab-test.service.ts).
 */
export const broadcastAbTests = pgTable(
  'broadcast_ab_tests',
  {
    broadcastId: uuid('broadcast_id').primaryKey().references(() => broadcasts.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    // [{ key, template_id, template_name, template_language, variables }], in key order A, B, …
    variants: jsonb('variants').$type<Record<string, unknown>[]>().notNull(),
    testPercent: smallint('test_percent').notNull(),
    holdoutPercent: smallint('holdout_percent').notNull().default(0),
    metric: text('metric').notNull(),
    windowHours: integer('window_hours').notNull(),
    autoSendWinner: boolean('auto_send_winner').notNull(),
    status: text('status').notNull().default('not_started'),
    testEndsAt: timestamp('test_ends_at', { withTimezone: true }),
    winner: text('winner'),
    // 'auto' (the sweep) or the id of the person who confirmed.
    pickedBy: text('picked_by'),
    pickedAt: timestamp('picked_at', { withTimezone: true }),
    // Per-variant results when the winner was picked (what the choice was based on).
    resultsAtPick: jsonb('results_at_pick').$type<Record<string, unknown>>(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('broadcast_ab_tests_due_idx').on(t.testEndsAt).where(sql`${t.status} IN ('testing', 'rest_sending')`),
    check('broadcast_ab_tests_status_check', inList('status', AB_STATUSES)),
    check('broadcast_ab_tests_metric_check', inList('metric', AB_METRICS)),
  ],
);
