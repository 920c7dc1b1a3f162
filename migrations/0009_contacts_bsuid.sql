ALTER TABLE "contacts" ALTER COLUMN "phone" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "user_id" text;--> statement-breakpoint
CREATE UNIQUE INDEX "contacts_workspace_user_id_uq" ON "contacts" USING btree ("workspace_id","user_id") WHERE "contacts"."user_id" is not null;--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_phone_or_user_id_check" CHECK ("contacts"."phone" is not null or "contacts"."user_id" is not null);