-- The lifecycle stage moves out of the wide contacts row into a narrow table owned by the lifecycle
-- module (a bulk run rewrote most contact rows and all their indexes). fillfactor 80 leaves room on
-- each page for the changed row's new version.
CREATE TABLE "contact_lifecycle" (
	"contact_id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"stage" text NOT NULL,
	"changed_at" timestamp with time zone,
	CONSTRAINT "contact_lifecycle_stage_check" CHECK ("contact_lifecycle"."stage" IN ('new', 'onboarding', 'active', 'loyal', 'at_risk', 'dormant', 'reactivating', 'churned', 'archived'))
) WITH (fillfactor = 80);
--> statement-breakpoint
ALTER TABLE "contact_lifecycle" ADD CONSTRAINT "contact_lifecycle_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_lifecycle" ADD CONSTRAINT "contact_lifecycle_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Backfill: every contact that ever left 'new' keeps its stage and when it changed (no row = 'new', never changed).
INSERT INTO "contact_lifecycle" ("contact_id", "workspace_id", "stage", "changed_at")
SELECT "id", "workspace_id", "lifecycle_stage", "lifecycle_changed_at" FROM "contacts"
WHERE "lifecycle_stage" <> 'new' OR "lifecycle_changed_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "contact_lifecycle_ws_stage_idx" ON "contact_lifecycle" USING btree ("workspace_id","stage","contact_id");--> statement-breakpoint
ALTER TABLE "contacts" DROP CONSTRAINT "contacts_lifecycle_stage_check";--> statement-breakpoint
DROP INDEX "contacts_workspace_stage_idx";--> statement-breakpoint
ALTER TABLE "contacts" DROP COLUMN "lifecycle_stage";--> statement-breakpoint
ALTER TABLE "contacts" DROP COLUMN "lifecycle_changed_at";
