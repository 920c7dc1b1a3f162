import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from '../workspaces/workspaces.tables.js';
import { MESSAGING_LIMIT_TIERS, QUALITY_RATINGS } from './numbers.rules.js';
import { inList } from '../sql.js';

/** Connected WhatsApp business numbers. Secrets are sealed with the master key (AES-256-GCM). */
export const phoneNumbers = pgTable(
  'phone_numbers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    phoneNumberId: text('phone_number_id').notNull().unique(),
    wabaId: text('waba_id').notNull(),
    displayNumber: text('display_number').notNull(),
    verifiedName: text('verified_name'),
    accessTokenSealed: text('access_token_sealed').notNull(),
    appSecretSealed: text('app_secret_sealed').notNull(),
    verifyTokenSealed: text('verify_token_sealed').notNull(),
    apiBaseUrl: text('api_base_url').notNull(),
    apiVersion: text('api_version').notNull(),
    throughputMps: integer('throughput_mps').notNull().default(80),
    messagingLimitTier: text('messaging_limit_tier').notNull().default('TIER_250'),
    qualityRating: text('quality_rating').notNull().default('UNKNOWN'),
    isSandbox: boolean('is_sandbox').notNull().default(false),
    healthCheckedAt: timestamp('health_checked_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('phone_numbers_workspace_idx').on(t.workspaceId),
    index('phone_numbers_waba_idx').on(t.wabaId),
    check('phone_numbers_throughput_check', sql`${t.throughputMps} IN (20, 80, 1000)`),
    check('phone_numbers_limit_check', inList('messaging_limit_tier', MESSAGING_LIMIT_TIERS)),
    check('phone_numbers_quality_check', inList('quality_rating', QUALITY_RATINGS)),
  ],
);

/**
 * Append-only history of each number's quality rating and messaging-limit tier: one row when the
 * number is connected (or, for numbers connected before this table, when it was created) and one
 * each time a webhook or a health read changes either, written in the statement that changes it.
 */
export const phoneNumberHealthEvents = pgTable(
  'phone_number_health_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    phoneNumberId: uuid('phone_number_id').notNull().references(() => phoneNumbers.id, { onDelete: 'cascade' }),
    qualityRating: text('quality_rating').notNull(),
    messagingLimitTier: text('messaging_limit_tier').notNull(),
    // What caused the row: connected, backfill, health_read, or Meta's event name (FLAGGED, UPGRADE, ...).
    event: text('event').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('phone_number_health_events_number_idx').on(t.workspaceId, t.phoneNumberId, t.occurredAt)],
);
