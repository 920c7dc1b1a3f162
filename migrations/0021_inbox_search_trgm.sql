-- Trigram indexes for the inbox search (pg_trgm: a trusted extension on PostgreSQL 13+, so a database
-- owner may create it; PGlite loads it from @electric-sql/pglite/contrib/pg_trgm at start).
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX "contacts_search_trgm" ON "contacts" USING gin ((coalesce("name", '') || ' ' || coalesce("profile_name", '') || ' ' || coalesce("phone", '')) gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "messages_inbound_body_trgm" ON "messages" USING gin ("body" gin_trgm_ops) WHERE "messages"."direction" = 'in';