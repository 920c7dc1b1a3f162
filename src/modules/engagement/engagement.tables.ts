import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, numeric, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from '../workspaces/workspaces.tables.js';
import { contacts } from '../contacts/contacts.tables.js';

/**
 * What happens outside WhatsApp (purchases, sign-ups, appointments), as a shop or CRM reports it.
 * `products` and `amount` are lifted out of `properties` so segment conditions on them are indexed
 * and typed; `idempotency_key` lets a sender resend safely.
 */
export const contactEvents = pgTable(
  'contact_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id').notNull().references(() => contacts.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    properties: jsonb('properties').$type<Record<string, unknown>>().notNull().default({}),
    products: text('products').array().notNull().default(sql`'{}'::text[]`),
    amount: numeric('amount', { precision: 14, scale: 2 }),
    currency: text('currency'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    idempotencyKey: text('idempotency_key'),
  },
  (t) => [
    uniqueIndex('contact_events_idempotency_uq').on(t.workspaceId, t.idempotencyKey),
    index('contact_events_contact_idx').on(t.contactId, t.type, t.occurredAt),
    index('contact_events_type_idx').on(t.workspaceId, t.type, t.occurredAt),
    index('contact_events_products_gin').using('gin', t.products),
    // By contact, with the time and amount: "bought / spent in N days" is grouped from this index
    // alone, in contact order (no hash of a million groups), instead of reading every event row.
    index('contact_events_by_contact_idx').on(t.workspaceId, t.type, t.contactId, t.occurredAt, t.amount),
  ],
);

/**
 * One row per contact with its engagement, kept current from webhooks and events so segments and
 * lifecycle rules read columns instead of aggregating message history. The `_30d`/`_90d` counts
 * are recomputed from the message log by the lifecycle run (they are exact as of `windows_at`)
 * and incremented in between.
 */
export const contactEngagement = pgTable(
  'contact_engagement',
  {
    contactId: uuid('contact_id')
      .primaryKey()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    lastInboundAt: timestamp('last_inbound_at', { withTimezone: true }),
    lastSentAt: timestamp('last_sent_at', { withTimezone: true }),
    // When the business first reached the contact: dormancy is counted from here at the earliest.
    firstSentAt: timestamp('first_sent_at', { withTimezone: true }),
    lastDeliveredAt: timestamp('last_delivered_at', { withTimezone: true }),
    lastReadAt: timestamp('last_read_at', { withTimezone: true }),
    lastClickAt: timestamp('last_click_at', { withTimezone: true }),
    firstPurchaseAt: timestamp('first_purchase_at', { withTimezone: true }),
    lastPurchaseAt: timestamp('last_purchase_at', { withTimezone: true }),
    lastEventAt: timestamp('last_event_at', { withTimezone: true }),
    // The latest sign of a person paying attention: an inbound message, a read, a click or a purchase.
    lastEngagedAt: timestamp('last_engaged_at', { withTimezone: true }),
    received30d: integer('received_30d').notNull().default(0),
    read30d: integer('read_30d').notNull().default(0),
    replied30d: integer('replied_30d').notNull().default(0),
    received90d: integer('received_90d').notNull().default(0),
    read90d: integer('read_90d').notNull().default(0),
    replied90d: integer('replied_90d').notNull().default(0),
    purchasesCount: integer('purchases_count').notNull().default(0),
    purchasesTotal: numeric('purchases_total', { precision: 16, scale: 2 }).notNull().default('0'),
    // Consecutive sends that failed with 131026 (not on WhatsApp); reset by any delivery or inbound.
    undeliverableStreak: smallint('undeliverable_streak').notNull().default(0),
    windowsAt: timestamp('windows_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // contact_id last: "engaged in N days" yields contact ids from the index alone.
  (t) => [index('contact_engagement_engaged_idx').on(t.workspaceId, t.lastEngagedAt, t.contactId)],
);
