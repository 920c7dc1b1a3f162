import { sql } from 'drizzle-orm';
import { check, customType, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from '../workspaces/workspaces.tables.js';
import { contacts } from '../contacts/contacts.tables.js';
import { phoneNumbers } from '../numbers/numbers.tables.js';

/**
 * Where opt-ins come from: a hosted form, or a click-to-chat link / QR code placed somewhere
 * (store, flyer, event, ad). Each has its own keyword so an inbound keyword attributes the
 * opt-in to it; `consent_text` is what the person saw, recorded as evidence with every grant.
 */
export const optinSources = pgTable(
  'optin_sources',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    name: text('name').notNull(),
    // Normalised (case-folded, NFKC, single spaces); unique per workspace.
    keyword: text('keyword').notNull(),
    topicIds: uuid('topic_ids').array().notNull(),
    numberId: uuid('number_id').references(() => phoneNumbers.id, { onDelete: 'set null' }),
    consentText: text('consent_text').notNull(),
    // Form fields (kind = 'form'): the hosted page at /join/<slug>.
    slug: text('slug'),
    page: jsonb('page').$type<Record<string, unknown>>(),
    welcome: jsonb('welcome').$type<Record<string, unknown>>(),
    status: text('status').notNull().default('active'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('optin_sources_keyword_uq').on(t.workspaceId, t.keyword),
    uniqueIndex('optin_sources_slug_uq').on(t.slug),
    check('optin_sources_kind_check', sql`${t.kind} IN ('form', 'store', 'flyer', 'event', 'ad', 'link', 'other')`),
    check('optin_sources_status_check', sql`${t.status} IN ('draft', 'active', 'archived')`),
  ],
);

/** A hosted-form submission waiting for the person to confirm on WhatsApp (double opt-in). */
export const optinSubmissions = pgTable(
  'optin_submissions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    sourceId: uuid('source_id').notNull().references(() => optinSources.id, { onDelete: 'cascade' }),
    phone: text('phone').notNull(),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'cascade' }),
    evidence: jsonb('evidence').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
  },
  (t) => [index('optin_submissions_phone_idx').on(t.workspaceId, t.phone, t.createdAt)],
);

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/**
 * A hosted form's logo (one per form): the uploaded bytes, checked as PNG, JPEG or WebP by their
 * magic bytes, served from Greenlist so the page never loads (and the server never fetches) a user URL.
 */
export const optinLogos = pgTable(
  'optin_logos',
  {
    sourceId: uuid('source_id').primaryKey().references(() => optinSources.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    contentType: text('content_type').notNull(),
    bytes: bytea('bytes').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('optin_logos_type_check', sql`${t.contentType} IN ('image/png', 'image/jpeg', 'image/webp')`), check('optin_logos_size_check', sql`${t.size} <= 204800`)],
);
