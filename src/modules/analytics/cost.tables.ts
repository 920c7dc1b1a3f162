import { bigint, date, integer, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from '../workspaces/workspaces.tables.js';

/**
 * Changes to what messages cost, not yet folded into `analytics_cost_days`. Appended by row
 * triggers on `messages` (migration 0039): +1 `estimated` when an outbound template is logged (its
 * category as Greenlist sent it), and ±1 `billable` when the pricing of its status webhooks first
 * says it is billable (Meta's category). Append-only, so webhook transactions never wait on a
 * shared counter row; the analytics loop drains them with DELETE … SKIP LOCKED.
 */
export const costDeltas = pgTable('analytics_cost_deltas', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  workspaceId: uuid('workspace_id').notNull(),
  day: date('day').notNull(),
  country: text('country').notNull(),
  category: text('category').notNull(),
  kind: text('kind').notNull(),
  n: integer('n').notNull(),
});

/**
 * Message counts per workspace, UTC day (Meta bills per UTC day), recipient country, pricing
 * category and kind (`estimated`: templates sent, by the category they were sent as; `billable`:
 * messages Meta's pricing said it charges for, by Meta's category). Costs are these counts times
 * the workspace's rate card at read time. No personal data: erasure leaves it as it is.
 */
export const costDays = pgTable(
  'analytics_cost_days',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    day: date('day').notNull(),
    country: text('country').notNull(),
    category: text('category').notNull(),
    kind: text('kind').notNull(),
    messages: bigint('messages', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.day, t.country, t.category, t.kind] })],
);

/** Both kinds a cost row counts. */
export const COST_KINDS = ['estimated', 'billable'] as const;
export type CostKind = (typeof COST_KINDS)[number];
