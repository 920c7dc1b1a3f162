import { index, pgTable, text, timestamp, uniqueIndex, uuid, check } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { workspaces } from '../workspaces/workspaces.tables.js';

/** A shop that sends its webhooks here (Shopify or WooCommerce), with the secret its HMAC is keyed on (sealed). */
export const shopConnections = pgTable(
  'shop_connections',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    platform: text('platform').notNull(),
    name: text('name').notNull(),
    secretSealed: text('secret_sealed').notNull(),
    lastEventAt: timestamp('last_event_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('shop_connections_workspace_idx').on(t.workspaceId), check('shop_connections_platform_check', sql`${t.platform} IN ('shopify', 'woocommerce')`)],
);

/** Webhook deliveries already applied, by the shop's delivery id: a redelivery changes nothing. */
export const shopDeliveries = pgTable(
  'shop_deliveries',
  {
    connectionId: uuid('connection_id').notNull().references(() => shopConnections.id, { onDelete: 'cascade' }),
    deliveryId: text('delivery_id').notNull(),
    topic: text('topic').notNull(),
    outcome: text('outcome').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('shop_deliveries_uq').on(t.connectionId, t.deliveryId)],
);
