import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Raw webhook bodies, stored (signature verified) before Meta gets its 200, then processed by
 * workers. Not tenant-scoped on arrival: the body says which number it is for, and processing
 * routes it. Kept so any event can be replayed.
 */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    phoneNumberId: text('phone_number_id'),
    raw: text('raw').notNull(),
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    processedAt: timestamp('processed_at', { withTimezone: true }),
    lastError: text('last_error'),
    // Carries inbound messages (set at intake): processed first, in small batches, never deferred by a burst.
    hasMessages: boolean('has_messages').notNull().default(false),
  },
  (t) => [
    index('webhook_events_pending_idx').on(t.id).where(sql`${t.status} = 'pending'`),
    index('webhook_events_pending_messages_idx').on(t.id).where(sql`${t.status} = 'pending' and ${t.hasMessages}`),
    check('webhook_events_status_check', sql`${t.status} IN ('pending', 'processed', 'failed')`),
  ],
);
