import { doublePrecision, integer, pgTable, timestamp, uuid } from 'drizzle-orm/pg-core';
import { phoneNumbers } from '../numbers/numbers.tables.js';
import { workspaces } from '../workspaces/workspaces.tables.js';

/**
 * The send budget of a business number, shared by every sender (broadcasts, the outbox) and every
 * worker through this row: a virtual
 * schedule (GCRA). A claim reserves slots from `next_slot_at` on, `1 / rate` apart, so all workers
 * together never exceed the rate; 130429 pushes `backoff_until` out for everyone.
 */
export const numberPacing = pgTable('number_pacing', {
  numberId: uuid('number_id')
    .primaryKey()
    .references(() => phoneNumbers.id, { onDelete: 'cascade' }),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  nextSlotAt: timestamp('next_slot_at', { withTimezone: true }).notNull(),
  backoffUntil: timestamp('backoff_until', { withTimezone: true }),
  backoffLevel: integer('backoff_level').notNull().default(0),
  ratePerSecond: doublePrecision('rate_per_second').notNull(),
});
