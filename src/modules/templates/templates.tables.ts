import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from '../workspaces/workspaces.tables.js';

/** Message templates of a workspace's WABAs, with approval status and quality as Meta reports them. */
export const templates = pgTable(
  'templates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    wabaId: text('waba_id').notNull(),
    metaId: text('meta_id'),
    name: text('name').notNull(),
    language: text('language').notNull(),
    category: text('category').notNull(),
    status: text('status').notNull(),
    qualityScore: text('quality_score').notNull().default('UNKNOWN'),
    components: jsonb('components').$type<unknown[]>().notNull().default([]),
    parameterFormat: text('parameter_format').notNull().default('POSITIONAL'),
    rejectionReason: text('rejection_reason'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('templates_waba_name_lang_uq').on(t.workspaceId, t.wabaId, t.name, t.language), index('templates_meta_id_idx').on(t.metaId)],
);
