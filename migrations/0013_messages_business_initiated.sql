ALTER TABLE "messages" ADD COLUMN "business_initiated" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "messages_initiated_idx" ON "messages" USING btree ("workspace_id","sent_at") WHERE "messages"."business_initiated";--> statement-breakpoint
-- Messages of the last 24 h keep counting as they did before this column (every outbound message counted).
UPDATE "messages" SET "business_initiated" = true WHERE "direction" = 'out' AND "sent_at" > now() - interval '24 hours';
