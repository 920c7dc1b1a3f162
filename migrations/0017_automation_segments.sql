CREATE TABLE "automation_segment_seen" (
	"automation_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	CONSTRAINT "automation_segment_seen_automation_id_contact_id_pk" PRIMARY KEY("automation_id","contact_id")
);
--> statement-breakpoint
ALTER TABLE "automation_segment_seen" ADD CONSTRAINT "automation_segment_seen_automation_id_automations_id_fk" FOREIGN KEY ("automation_id") REFERENCES "public"."automations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "automation_segment_seen" ADD CONSTRAINT "automation_segment_seen_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;