import { index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { contacts } from '../contacts/contacts.tables.js';
import { phoneNumbers } from '../numbers/numbers.tables.js';
import { workspaces } from '../workspaces/workspaces.tables.js';

/**
 * A workspace's business calendar and auto-replies, as validated by `businessHoursIn` and
 * `autoRepliesIn` (null: not set up; no calendar means always open, no auto-replies means silence).
 */
export const autoreplySettings = pgTable('autoreply_settings', {
  workspaceId: uuid('workspace_id').primaryKey().references(() => workspaces.id, { onDelete: 'cascade' }),
  businessHours: jsonb('business_hours').$type<Record<string, unknown>>(),
  autoReplies: jsonb('auto_replies').$type<Record<string, unknown>>(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The claim of the last auto-reply of each kind per person and business number. Why a row per
 * kind, not per message: "at most once per 24 h window" is a conditional upsert on this key (it
 * only takes when the last one is 24 h older than the message being answered), committed in the
 * same transaction as the outbox row, so two workers, a re-read or a crash never send twice.
 */
export const autoreplySent = pgTable(
  'autoreply_sent',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    numberId: uuid('number_id').notNull().references(() => phoneNumbers.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id').notNull().references(() => contacts.id, { onDelete: 'cascade' }),
    /** greeting, away, fallback, faq_menu, keyword:<n>, faq:<row id>. */
    kind: text('kind').notNull(),
    /** The inbound message this reply answered (its outbox dedupe key is `autoreply:<message id>`). */
    messageId: uuid('message_id').notNull(),
    /** When the person sent that message: the window the reply belongs to starts there. */
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.numberId, t.contactId, t.kind] }), index('autoreply_sent_workspace_idx').on(t.workspaceId, t.contactId)],
);

/** How far the auto-reply scan has read the inbound messages: (created_at, id) of the last one passed for good. */
export const autoreplyCursor = pgTable('autoreply_cursor', {
  name: text('name').primaryKey(),
  lastAt: timestamp('last_at', { withTimezone: true }).notNull(),
  lastKey: uuid('last_key').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
