CREATE TABLE "phone_number_health_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "phone_number_health_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"workspace_id" uuid NOT NULL,
	"phone_number_id" uuid NOT NULL,
	"quality_rating" text NOT NULL,
	"messaging_limit_tier" text NOT NULL,
	"event" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "phone_number_health_events" ADD CONSTRAINT "phone_number_health_events_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "phone_number_health_events" ADD CONSTRAINT "phone_number_health_events_phone_number_id_phone_numbers_id_fk" FOREIGN KEY ("phone_number_id") REFERENCES "public"."phone_numbers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "phone_number_health_events_number_idx" ON "phone_number_health_events" USING btree ("workspace_id","phone_number_id","occurred_at");--> statement-breakpoint
INSERT INTO "phone_number_health_events" ("workspace_id", "phone_number_id", "quality_rating", "messaging_limit_tier", "event", "occurred_at") SELECT "workspace_id", "id", "quality_rating", "messaging_limit_tier", 'backfill', "created_at" FROM "phone_numbers";
