ALTER TABLE "messages" ADD COLUMN "marketing" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- Broadcast messages already logged keep their broadcast's category (only broadcasts sent marketing before this column).
UPDATE "messages" m SET "marketing" = true FROM "broadcasts" b WHERE m."broadcast_id" = b."id" AND b."template_category" = 'MARKETING';
