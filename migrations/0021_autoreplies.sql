CREATE TABLE "autoreply_cursor" (
	"name" text PRIMARY KEY NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	"last_key" uuid NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "autoreply_sent" (
	"workspace_id" uuid NOT NULL,
	"number_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"message_id" uuid NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	CONSTRAINT "autoreply_sent_number_id_contact_id_kind_pk" PRIMARY KEY("number_id","contact_id","kind")
);
--> statement-breakpoint
CREATE TABLE "autoreply_settings" (
	"workspace_id" uuid PRIMARY KEY NOT NULL,
	"business_hours" jsonb,
	"auto_replies" jsonb,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "autoreply_sent" ADD CONSTRAINT "autoreply_sent_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "autoreply_sent" ADD CONSTRAINT "autoreply_sent_number_id_phone_numbers_id_fk" FOREIGN KEY ("number_id") REFERENCES "public"."phone_numbers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "autoreply_sent" ADD CONSTRAINT "autoreply_sent_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "autoreply_settings" ADD CONSTRAINT "autoreply_settings_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "autoreply_sent_workspace_idx" ON "autoreply_sent" USING btree ("workspace_id","contact_id");--> statement-breakpoint
-- The scan starts at the migration: messages from before auto-replies existed are never answered.
INSERT INTO "autoreply_cursor" ("name", "last_at", "last_key") VALUES ('inbound', now(), '00000000-0000-0000-0000-000000000000') ON CONFLICT DO NOTHING;
