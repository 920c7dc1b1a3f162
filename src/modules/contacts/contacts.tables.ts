import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from '../workspaces/workspaces.tables.js';

/**
 * People on the list. `phone` is E.164; `wa_id` is what WhatsApp reports for that person and may
 * differ from the dialled number (Brazil's ninth digit, Mexico's 521), so inbound traffic keys on it.
 */
export const contacts = pgTable(
  'contacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    phone: text('phone').notNull(),
    waId: text('wa_id'),
    name: text('name'),
    profileName: text('profile_name'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('contacts_workspace_phone_uq').on(t.workspaceId, t.phone), index('contacts_workspace_wa_id_idx').on(t.workspaceId, t.waId)],
);
