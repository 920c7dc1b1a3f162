ALTER TABLE "sessions" ADD COLUMN "login_id" uuid DEFAULT gen_random_uuid() NOT NULL;--> statement-breakpoint
CREATE INDEX "sessions_login_idx" ON "sessions" USING btree ("login_id");