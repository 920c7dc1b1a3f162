CREATE TABLE "phone_numbers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"phone_number_id" text NOT NULL,
	"waba_id" text NOT NULL,
	"display_number" text NOT NULL,
	"verified_name" text,
	"access_token_sealed" text NOT NULL,
	"app_secret_sealed" text NOT NULL,
	"verify_token_sealed" text NOT NULL,
	"api_base_url" text NOT NULL,
	"api_version" text NOT NULL,
	"throughput_mps" integer DEFAULT 80 NOT NULL,
	"messaging_limit_tier" text DEFAULT 'TIER_250' NOT NULL,
	"quality_rating" text DEFAULT 'UNKNOWN' NOT NULL,
	"is_sandbox" boolean DEFAULT false NOT NULL,
	"health_checked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "phone_numbers_phone_number_id_unique" UNIQUE("phone_number_id"),
	CONSTRAINT "phone_numbers_throughput_check" CHECK ("phone_numbers"."throughput_mps" IN (20, 80, 1000)),
	CONSTRAINT "phone_numbers_limit_check" CHECK (messaging_limit_tier IN ('TIER_250', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED')),
	CONSTRAINT "phone_numbers_quality_check" CHECK (quality_rating IN ('GREEN', 'YELLOW', 'RED', 'UNKNOWN'))
);
--> statement-breakpoint
CREATE TABLE "contacts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"phone" text NOT NULL,
	"wa_id" text,
	"name" text,
	"profile_name" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "message_status_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "message_status_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"workspace_id" uuid NOT NULL,
	"wamid" text NOT NULL,
	"status" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"recipient_wa_id" text,
	"error_code" integer,
	"callback_data" text,
	"pricing" jsonb,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"number_id" uuid,
	"contact_id" uuid,
	"wa_id" text NOT NULL,
	"direction" text NOT NULL,
	"type" text NOT NULL,
	"body" text,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"wamid" text,
	"context_wamid" text,
	"status_rank" smallint DEFAULT 0 NOT NULL,
	"error_code" integer,
	"failed_at" timestamp with time zone,
	"callback_data" text,
	"pricing_category" text,
	"sent_at" timestamp with time zone NOT NULL,
	"status_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "messages_direction_check" CHECK ("messages"."direction" IN ('in', 'out'))
);
--> statement-breakpoint
CREATE TABLE "service_windows" (
	"workspace_id" uuid NOT NULL,
	"number_id" uuid NOT NULL,
	"wa_id" text NOT NULL,
	"last_inbound_at" timestamp with time zone NOT NULL,
	CONSTRAINT "service_windows_number_id_wa_id_pk" PRIMARY KEY("number_id","wa_id")
);
--> statement-breakpoint
CREATE TABLE "templates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"waba_id" text NOT NULL,
	"meta_id" text,
	"name" text NOT NULL,
	"language" text NOT NULL,
	"category" text NOT NULL,
	"status" text NOT NULL,
	"quality_score" text DEFAULT 'UNKNOWN' NOT NULL,
	"components" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"parameter_format" text DEFAULT 'POSITIONAL' NOT NULL,
	"rejection_reason" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "webhook_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"phone_number_id" text,
	"raw" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"processed_at" timestamp with time zone,
	"last_error" text,
	CONSTRAINT "webhook_events_status_check" CHECK ("webhook_events"."status" IN ('pending', 'processed', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD CONSTRAINT "phone_numbers_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_status_events" ADD CONSTRAINT "message_status_events_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_number_id_phone_numbers_id_fk" FOREIGN KEY ("number_id") REFERENCES "public"."phone_numbers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_windows" ADD CONSTRAINT "service_windows_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_windows" ADD CONSTRAINT "service_windows_number_id_phone_numbers_id_fk" FOREIGN KEY ("number_id") REFERENCES "public"."phone_numbers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "templates" ADD CONSTRAINT "templates_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "phone_numbers_workspace_idx" ON "phone_numbers" USING btree ("workspace_id");--> statement-breakpoint
CREATE INDEX "phone_numbers_waba_idx" ON "phone_numbers" USING btree ("waba_id");--> statement-breakpoint
CREATE UNIQUE INDEX "contacts_workspace_phone_uq" ON "contacts" USING btree ("workspace_id","phone");--> statement-breakpoint
CREATE INDEX "contacts_workspace_wa_id_idx" ON "contacts" USING btree ("workspace_id","wa_id");--> statement-breakpoint
CREATE UNIQUE INDEX "message_status_events_uq" ON "message_status_events" USING btree ("workspace_id","wamid","status");--> statement-breakpoint
CREATE INDEX "message_status_events_callback_idx" ON "message_status_events" USING btree ("callback_data");--> statement-breakpoint
CREATE UNIQUE INDEX "messages_workspace_wamid_uq" ON "messages" USING btree ("workspace_id","wamid");--> statement-breakpoint
CREATE INDEX "messages_contact_idx" ON "messages" USING btree ("workspace_id","contact_id","sent_at");--> statement-breakpoint
CREATE INDEX "messages_callback_idx" ON "messages" USING btree ("callback_data");--> statement-breakpoint
CREATE UNIQUE INDEX "templates_waba_name_lang_uq" ON "templates" USING btree ("workspace_id","waba_id","name","language");--> statement-breakpoint
CREATE INDEX "templates_meta_id_idx" ON "templates" USING btree ("meta_id");--> statement-breakpoint
CREATE INDEX "webhook_events_pending_idx" ON "webhook_events" USING btree ("id") WHERE "webhook_events"."status" = 'pending';