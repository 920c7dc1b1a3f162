CREATE TABLE "conversation_activity" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"conversation_id" uuid NOT NULL,
	"agent_id" uuid,
	"kind" text NOT NULL,
	"since" timestamp with time zone,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "conversation_activity_kind_check" CHECK (kind IN ('reply', 'resolved'))
);
--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "opened_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "first_inbound_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "first_response_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "conversation_activity" ADD CONSTRAINT "conversation_activity_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_activity" ADD CONSTRAINT "conversation_activity_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_activity" ADD CONSTRAINT "conversation_activity_agent_id_users_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "conversation_activity_at_idx" ON "conversation_activity" USING btree ("workspace_id","at");--> statement-breakpoint
-- Existing conversations: their current opening counts from their creation; figures start from now.
UPDATE "conversations" SET "opened_at" = "created_at";
--> statement-breakpoint
-- The inbox search: trigrams (pg_trgm: a trusted extension on PostgreSQL 13+, so a database owner may
-- create it; PGlite loads it from @electric-sql/pglite/contrib/pg_trgm at start) for names and phones,
-- full text for the words of inbound messages, and conversations by contact.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX "contacts_search_trgm" ON "contacts" USING gin ((coalesce("name", '') || ' ' || coalesce("profile_name", '') || ' ' || coalesce("phone", '')) gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "messages_inbound_body_fts" ON "messages" USING gin (to_tsvector('simple', coalesce("body", ''))) WHERE "messages"."direction" = 'in';--> statement-breakpoint
CREATE INDEX "conversations_contact_idx" ON "conversations" USING btree ("workspace_id","contact_id");