CREATE TABLE "contact_engagement" (
	"contact_id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"last_inbound_at" timestamp with time zone,
	"last_sent_at" timestamp with time zone,
	"last_delivered_at" timestamp with time zone,
	"last_read_at" timestamp with time zone,
	"last_click_at" timestamp with time zone,
	"first_purchase_at" timestamp with time zone,
	"last_purchase_at" timestamp with time zone,
	"last_event_at" timestamp with time zone,
	"last_engaged_at" timestamp with time zone,
	"received_30d" integer DEFAULT 0 NOT NULL,
	"read_30d" integer DEFAULT 0 NOT NULL,
	"replied_30d" integer DEFAULT 0 NOT NULL,
	"received_90d" integer DEFAULT 0 NOT NULL,
	"read_90d" integer DEFAULT 0 NOT NULL,
	"replied_90d" integer DEFAULT 0 NOT NULL,
	"purchases_count" integer DEFAULT 0 NOT NULL,
	"purchases_total" numeric(16, 2) DEFAULT '0' NOT NULL,
	"undeliverable_streak" smallint DEFAULT 0 NOT NULL,
	"windows_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "contact_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "contact_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"workspace_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"type" text NOT NULL,
	"properties" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"products" text[] DEFAULT '{}'::text[] NOT NULL,
	"amount" numeric(14, 2),
	"currency" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"idempotency_key" text
);
--> statement-breakpoint
CREATE TABLE "segment_members" (
	"segment_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"workspace_id" uuid NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "segment_members_segment_id_contact_id_pk" PRIMARY KEY("segment_id","contact_id")
);
--> statement-breakpoint
CREATE TABLE "segments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"kind" text NOT NULL,
	"rules" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "segments_kind_check" CHECK ("segments"."kind" IN ('dynamic', 'static')),
	CONSTRAINT "segments_rules_check" CHECK (("segments"."kind" = 'dynamic') = ("segments"."rules" IS NOT NULL))
);
--> statement-breakpoint
CREATE TABLE "lifecycle_transitions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "lifecycle_transitions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"workspace_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"from_stage" text NOT NULL,
	"to_stage" text NOT NULL,
	"reason" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "maintenance_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"counts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"lease_until" timestamp with time zone,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "lifecycle_changed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "unreachable_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "broadcast_id" uuid;--> statement-breakpoint
ALTER TABLE "contact_engagement" ADD CONSTRAINT "contact_engagement_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_engagement" ADD CONSTRAINT "contact_engagement_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_events" ADD CONSTRAINT "contact_events_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_events" ADD CONSTRAINT "contact_events_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segment_members" ADD CONSTRAINT "segment_members_segment_id_segments_id_fk" FOREIGN KEY ("segment_id") REFERENCES "public"."segments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segment_members" ADD CONSTRAINT "segment_members_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segment_members" ADD CONSTRAINT "segment_members_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lifecycle_transitions" ADD CONSTRAINT "lifecycle_transitions_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lifecycle_transitions" ADD CONSTRAINT "lifecycle_transitions_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "maintenance_runs" ADD CONSTRAINT "maintenance_runs_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "contact_engagement_engaged_idx" ON "contact_engagement" USING btree ("workspace_id","last_engaged_at");--> statement-breakpoint
CREATE UNIQUE INDEX "contact_events_idempotency_uq" ON "contact_events" USING btree ("workspace_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "contact_events_contact_idx" ON "contact_events" USING btree ("contact_id","type","occurred_at");--> statement-breakpoint
CREATE INDEX "contact_events_type_idx" ON "contact_events" USING btree ("workspace_id","type","occurred_at");--> statement-breakpoint
CREATE INDEX "contact_events_products_gin" ON "contact_events" USING gin ("products");--> statement-breakpoint
CREATE INDEX "segment_members_contact_idx" ON "segment_members" USING btree ("contact_id");--> statement-breakpoint
CREATE UNIQUE INDEX "segments_name_uq" ON "segments" USING btree ("workspace_id","name");--> statement-breakpoint
CREATE INDEX "lifecycle_transitions_contact_idx" ON "lifecycle_transitions" USING btree ("contact_id","id");--> statement-breakpoint
CREATE INDEX "lifecycle_transitions_ws_idx" ON "lifecycle_transitions" USING btree ("workspace_id","occurred_at");--> statement-breakpoint
CREATE INDEX "maintenance_runs_ws_idx" ON "maintenance_runs" USING btree ("workspace_id","kind","started_at");--> statement-breakpoint
CREATE INDEX "contacts_workspace_country_idx" ON "contacts" USING btree ("workspace_id","country");--> statement-breakpoint
CREATE INDEX "contacts_workspace_stage_idx" ON "contacts" USING btree ("workspace_id","lifecycle_stage");--> statement-breakpoint
CREATE INDEX "messages_broadcast_idx" ON "messages" USING btree ("workspace_id","broadcast_id","contact_id") WHERE "messages"."broadcast_id" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_lifecycle_stage_check" CHECK ("contacts"."lifecycle_stage" IN ('new', 'onboarding', 'active', 'loyal', 'at_risk', 'dormant', 'reactivating', 'churned', 'archived'));