import { bigint, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from '../workspaces/workspaces.tables.js';

/**
 * Append-only record of every mutation. A trigger (migration 0001) rejects UPDATE and DELETE,
 * so rows written with a change can only disappear with their workspace.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    requestId: text('request_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('audit_log_workspace_idx').on(t.workspaceId, t.id),
    index('audit_log_target_idx').on(t.workspaceId, t.targetType, t.targetId),
    // The admin app's filters: by who did it, and by date range.
    index('audit_log_actor_idx').on(t.workspaceId, t.actorId, t.id),
    index('audit_log_created_idx').on(t.workspaceId, t.createdAt),
  ],
);
