CREATE TABLE "contact_preferences" (
	"contact_id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"paused_until" timestamp with time zone,
	"pause_event_id" bigint,
	"frequency" text DEFAULT 'normal' NOT NULL,
	"frequency_event_id" bigint,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "contact_preferences_frequency_check" CHECK ("contact_preferences"."frequency" IN ('normal', 'low'))
);
--> statement-breakpoint
ALTER TABLE "consent_events" DROP CONSTRAINT "consent_events_action_check";--> statement-breakpoint
ALTER TABLE "contact_preferences" ADD CONSTRAINT "contact_preferences_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_preferences" ADD CONSTRAINT "contact_preferences_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_events" ADD CONSTRAINT "consent_events_action_check" CHECK ("consent_events"."action" IN ('grant', 'withdraw', 'pause', 'resume', 'frequency'));