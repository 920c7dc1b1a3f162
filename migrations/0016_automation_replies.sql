ALTER TABLE "automation_cursors" ADD COLUMN "last_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "automation_cursors" ADD COLUMN "last_key" text;--> statement-breakpoint
ALTER TABLE "automation_runs" ADD COLUMN "waiting_for" text;--> statement-breakpoint
ALTER TABLE "automation_runs" ADD COLUMN "context" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
CREATE INDEX "messages_inbound_created_idx" ON "messages" USING btree ("created_at") WHERE "messages"."direction" = 'in';--> statement-breakpoint
CREATE INDEX "automation_runs_replies_idx" ON "automation_runs" USING btree ("workspace_id","contact_id") WHERE "automation_runs"."waiting_for" = 'reply';