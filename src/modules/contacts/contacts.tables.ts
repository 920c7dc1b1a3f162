import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from '../workspaces/workspaces.tables.js';

/**
 * People on the list. `phone` is E.164; `wa_id` is what WhatsApp reports for that person and may
 * differ from the dialled number (Brazil's ninth digit, Mexico's 521), so inbound traffic keys on it.
 * `user_id` is the person's business-scoped user id (BSUID, e.g. `US.13491208655302741918`): a user
 * who adopted a WhatsApp username may share only that, so such a contact has no phone at all.
 * Consent is not a column here: it lives in the consent ledger and its derived state.
 */
export const contacts = pgTable(
  'contacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // No foreign key to workspaces (workspaces are never deleted; every writer takes the id from the
    // caller's own workspace): it was a checked lookup per inserted contact, 10-15 % of an import's
    // contact writes (docs/performance.md, "Imports at wire speed").
    workspaceId: uuid('workspace_id').notNull(),
    phone: text('phone'),
    waId: text('wa_id'),
    userId: text('user_id'),
    name: text('name'),
    profileName: text('profile_name'),
    country: text('country'),
    timezone: text('timezone'),
    // 'explicit' when someone set it, 'number' when inferred from the number's region, 'country' when only the country told it.
    timezoneSource: text('timezone_source'),
    language: text('language'),
    attributes: jsonb('attributes').$type<Record<string, unknown>>().notNull().default({}),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    notes: text('notes'),
    // The lifecycle stage is not a column here: the lifecycle module keeps it in contact_lifecycle.
    // Set by list hygiene when WhatsApp keeps saying the number is not on WhatsApp (131026); such contacts are never targeted.
    unreachableAt: timestamp('unreachable_at', { withTimezone: true }),
    // Set once the person has a conversation in the inbox (conversations module, markContactsInInbox): only
    // they are searched there, so only they are in the trigram index (an import of a million rows skips it).
    inInbox: boolean('in_inbox').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('contacts_workspace_phone_uq').on(t.workspaceId, t.phone),
    uniqueIndex('contacts_workspace_user_id_uq').on(t.workspaceId, t.userId).where(sql`${t.userId} is not null`),
    // Every contact is reachable somehow: by phone, or by its business-scoped user id.
    check('contacts_phone_or_user_id_check', sql`${t.phone} is not null or ${t.userId} is not null`),
    // Partial: lookups by wa_id always name one, and imported contacts (no wa_id yet) skip the index.
    index('contacts_workspace_wa_id_idx').on(t.workspaceId, t.waId).where(sql`${t.waId} is not null`),
    index('contacts_workspace_created_idx').on(t.workspaceId, t.createdAt, t.id),
    // Built at schema creation (not after a big import): segment filters on tags and attributes use them.
    index('contacts_tags_gin').using('gin', t.tags),
    // The inbox's search by name or phone (conversations.service.ts `searchSql` uses the same expression and
    // predicate): trigrams (pg_trgm), of inbox contacts only. Why partial: a GIN trigram entry per contact made
    // every import row 30-40 % dearer (docs/performance.md), for people the inbox never shows.
    index('contacts_search_trgm')
      .using('gin', sql`(coalesce(${t.name}, '') || ' ' || coalesce(${t.profileName}, '') || ' ' || coalesce(${t.phone}, '')) gin_trgm_ops`)
      .where(sql`${t.inInbox}`),
    index('contacts_attributes_gin').using('gin', sql`${t.attributes} jsonb_path_ops`),
    // Segment conditions on country are common and selective enough to index.
    index('contacts_workspace_country_idx').on(t.workspaceId, t.country),
  ],
);

/**
 * One row per (contact, tag): the contacts' `tags` arrays as an index, so "how many contacts have
 * tag X" is an index-only count instead of a GIN bitmap scan that visits every matching contact
 * row. Written only by triggers on `contacts` (migration 0011, `contact_index_sync_*`), so every
 * write path (API, imports, bulk tags, merges, erasure, deletes) keeps it exact; no code writes it.
 * No foreign keys: the delete trigger removes a contact's rows through this primary key, and a
 * cascade from contacts would need a second index on contact_id.
 */
export const contactTags = pgTable(
  'contact_tags',
  {
    workspaceId: uuid('workspace_id').notNull(),
    tag: text('tag').notNull(),
    contactId: uuid('contact_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.tag, t.contactId] })],
);

/**
 * Which tags and attributes someone listens to (automations: "tag added", "attribute changed").
 * Only changes to watched keys are recorded in `contact_changes`, so imports and bulk edits of
 * keys nobody watches cost one cheap check per statement. `watcher` names who asked (the
 * automations module replaces its own rows whenever an automation is published or stopped).
 */
export const contactChangeWatches = pgTable(
  'contact_change_watches',
  {
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    watcher: text('watcher').notNull(),
    kind: text('kind').notNull(),
    key: text('key').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.kind, t.key, t.watcher] }), check('contact_change_watches_kind_check', sql`${t.kind} in ('tag', 'attribute')`)],
);

/**
 * Changes to watched tags and attributes (`tag_added`, `tag_removed`, `attribute_changed` with the
 * new value), in commit-ish order by id. Written only by statement-level triggers on `contacts`
 * (migration 0018, `contact_changes_record_*`), so every write path (API, imports, bulk tags,
 * automations, merges) is seen, set-based; no code writes it. Kept 7 days (`purgeContactChanges`).
 */
export const contactChanges = pgTable(
  'contact_changes',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id').notNull().references(() => contacts.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    key: text('key').notNull(),
    value: jsonb('value'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('contact_changes_contact_idx').on(t.contactId), index('contact_changes_at_idx').on(t.at)],
);

/** The custom attributes a workspace defines for its contacts, with the type every write is checked against. */
export const attributeDefinitions = pgTable(
  'attribute_definitions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    label: text('label'),
    type: text('type').notNull(),
    enumValues: text('enum_values').array(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('attribute_definitions_key_uq').on(t.workspaceId, t.key),
    check('attribute_definitions_type_check', sql`${t.type} IN ('string', 'number', 'boolean', 'date', 'enum')`),
  ],
);
