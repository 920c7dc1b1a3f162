-- The inbox search: trigrams (pg_trgm: a trusted extension on PostgreSQL 13+, so a database owner may
-- create it; PGlite loads it from @electric-sql/pglite/contrib/pg_trgm at start) for names and phones,
-- full text for the words of inbound messages, and conversations by contact.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX "contacts_search_trgm" ON "contacts" USING gin ((coalesce("name", '') || ' ' || coalesce("profile_name", '') || ' ' || coalesce("phone", '')) gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "messages_inbound_body_fts" ON "messages" USING gin (to_tsvector('simple', coalesce("body", ''))) WHERE "messages"."direction" = 'in';--> statement-breakpoint
CREATE INDEX "conversations_contact_idx" ON "conversations" USING btree ("workspace_id","contact_id");