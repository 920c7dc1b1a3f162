ALTER TABLE "webhook_events" ADD COLUMN "has_messages" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "automation_cursors" ADD COLUMN "handled" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
CREATE INDEX "webhook_events_pending_messages_idx" ON "webhook_events" USING btree ("id") WHERE "webhook_events"."status" = 'pending' and "webhook_events"."has_messages";