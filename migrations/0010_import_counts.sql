ALTER TABLE "imports" ADD COLUMN "unchanged" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "merged" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "unreadable" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "consent_refused" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "merges" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "resumed_from" uuid;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "earlier_created" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "earlier_updated" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "contact_engagement" ADD COLUMN "first_sent_at" timestamp with time zone;--> statement-breakpoint
-- Opted-out grants were counted in skipped; they are consent outcomes (the contact row was imported).
UPDATE "imports" SET "consent_refused" = greatest("skipped" - "error_count", 0), "skipped" = least("skipped", "error_count");--> statement-breakpoint
-- When the business first messaged each contact, from the message log (lifecycle counts dormancy from there).
UPDATE "contact_engagement" AS ce SET "first_sent_at" = m.first FROM (
  SELECT "contact_id", min("sent_at") AS first FROM "messages" WHERE "direction" = 'out' AND "contact_id" IS NOT NULL GROUP BY "contact_id"
) m WHERE m."contact_id" = ce."contact_id";
