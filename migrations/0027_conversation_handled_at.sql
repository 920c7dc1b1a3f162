ALTER TABLE "conversations" ADD COLUMN "handled_at" timestamp with time zone;--> statement-breakpoint
-- Conversations a person handles today count as handled since their last state change (the old rule).
UPDATE "conversations" SET "handled_at" = "state_at" WHERE "assignee_id" IS NOT NULL OR "handed_over_at" IS NOT NULL;
