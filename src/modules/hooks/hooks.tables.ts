import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from '../workspaces/workspaces.tables.js';
import { DELIVERY_STATUSES } from './hooks.rules.js';
import { inList } from '../sql.js';

/** Where a workspace's events are POSTed. The signing secret is sealed with the master key (AES-256-GCM). */
export const hookEndpoints = pgTable(
  'hook_endpoints',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    description: text('description'),
    /** Event types delivered here; `*` stands for every type. */
    events: text('events').array().notNull(),
    secretSealed: text('secret_sealed').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    disabledReason: text('disabled_reason'),
    /** First failure of the current unbroken run of failures; cleared by any 2xx. */
    failingSince: timestamp('failing_since', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('hook_endpoints_workspace_idx').on(t.workspaceId, t.createdAt)],
);

/** The outbox: one row per event, written in the transaction of the change it describes. */
export const hookEvents = pgTable(
  'hook_events',
  {
    /** The event id receivers deduplicate on (`webhook-id`). */
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // created_at alone: the retention sweep looks across workspaces.
  (t) => [index('hook_events_workspace_idx').on(t.workspaceId, t.createdAt), index('hook_events_created_idx').on(t.createdAt)],
);

/** One event's delivery to one endpoint: its attempts, schedule and last answer. */
export const hookDeliveries = pgTable(
  'hook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    endpointId: uuid('endpoint_id').notNull().references(() => hookEndpoints.id, { onDelete: 'cascade' }),
    eventId: uuid('event_id').notNull().references(() => hookEvents.id, { onDelete: 'cascade' }),
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    /** A worker's claim: another worker skips the row until then. */
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    latencyMs: integer('latency_ms'),
    /** The first 2 KB of the last answer's body. */
    responseSnippet: text('response_snippet'),
    /** The body as last sent (what the signature covers). */
    body: text('body'),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('hook_deliveries_status_check', inList('status', DELIVERY_STATUSES)),
    // The worker's claim: pending rows by due time only (delivered ones drop out of the index).
    index('hook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`status = 'pending'`),
    index('hook_deliveries_endpoint_idx').on(t.workspaceId, t.endpointId, t.createdAt, t.id),
    // The cascade when the retention sweep deletes an event, and its "still pending?" check.
    index('hook_deliveries_event_idx').on(t.eventId),
  ],
);

/** Every attempt of a delivery, in order (the log shows when each was made and what it got). */
export const hookAttempts = pgTable(
  'hook_attempts',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    deliveryId: uuid('delivery_id').notNull().references(() => hookDeliveries.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    statusCode: integer('status_code'),
    error: text('error'),
    latencyMs: integer('latency_ms').notNull(),
    attemptedAt: timestamp('attempted_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('hook_attempts_delivery_idx').on(t.deliveryId, t.id)],
);
