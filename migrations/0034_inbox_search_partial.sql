-- The inbox's trigram search indexes only contacts that have a conversation (contacts.in_inbox), not the
-- whole list: a trigram entry for every contact made each imported row 30-40 % dearer (docs/performance.md).
DROP INDEX "contacts_search_trgm";--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "in_inbox" boolean DEFAULT false NOT NULL;--> statement-breakpoint
UPDATE "contacts" c SET "in_inbox" = true WHERE EXISTS (SELECT 1 FROM "conversations" cv WHERE cv."contact_id" = c."id");--> statement-breakpoint
CREATE INDEX "contacts_search_trgm" ON "contacts" USING gin ((coalesce("name", '') || ' ' || coalesce("profile_name", '') || ' ' || coalesce("phone", '')) gin_trgm_ops) WHERE "contacts"."in_inbox";
