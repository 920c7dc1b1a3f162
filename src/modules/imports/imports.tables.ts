import { sql } from 'drizzle-orm';
import { boolean, check, integer, jsonb, pgTable, text, timestamp, uuid, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { workspaces } from '../workspaces/workspaces.tables.js';

/** CSV imports: their mapping, attestation, progress and per-row errors (the first ones). */
export const imports = pgTable(
  'imports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    status: text('status').notNull(),
    dryRun: boolean('dry_run').notNull().default(false),
    filename: text('filename'),
    fileSha256: text('file_sha256'),
    encoding: text('encoding'),
    mapping: jsonb('mapping').$type<Record<string, unknown>>().notNull().default({}),
    attestation: jsonb('attestation').$type<Record<string, unknown>>(),
    // Every row read is counted once: rows_total = created + updated + unchanged + merged + skipped.
    rowsTotal: integer('rows_total').notNull().default(0),
    created: integer('created').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    /** Rows whose contact already held everything the row says (a re-run, or a resumed import). */
    unchanged: integer('unchanged').notNull().default(0),
    /** Rows merged into an earlier row of the same number in this file (see `merges`). */
    merged: integer('merged').notNull().default(0),
    /** Rows not imported: error_count of them (unreadable ones among them counted in `unreadable`). */
    skipped: integer('skipped').notNull().default(0),
    unreadable: integer('unreadable').notNull().default(0),
    consentGranted: integer('consent_granted').notNull().default(0),
    /** Rows whose contact was imported but whose grant was refused (the number opted out). */
    consentRefused: integer('consent_refused').notNull().default(0),
    errorCount: integer('error_count').notNull().default(0),
    errors: jsonb('errors').$type<unknown[]>().notNull().default([]),
    /** The first merges: { row, into_row (null: an earlier chunk), ignored (fields whose other value was kept) }. */
    merges: jsonb('merges').$type<unknown[]>().notNull().default([]),
    /** The failed import of the same file and mapping that this one completes, and what the earlier runs wrote. */
    resumedFrom: uuid('resumed_from'),
    earlierCreated: integer('earlier_created').notNull().default(0),
    earlierUpdated: integer('earlier_updated').notNull().default(0),
    failure: text('failure'),
    createdBy: text('created_by'),
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    index('imports_workspace_idx').on(t.workspaceId, t.createdAt),
    check('imports_status_check', sql`${t.status} IN ('queued', 'running', 'completed', 'failed')`),
  ],
);

/** Mappings a workspace saved to reuse ("Our shop's customers"); built-in presets live in code (mappings.presets.ts). */
export const importMappings = pgTable(
  'import_mappings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    mapping: jsonb('mapping').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('import_mappings_name_uq').on(t.workspaceId, t.name)],
);
