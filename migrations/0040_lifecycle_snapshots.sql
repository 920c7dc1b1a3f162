CREATE TABLE "lifecycle_stage_days" (
	"workspace_id" uuid NOT NULL,
	"day" date NOT NULL,
	"stage" text NOT NULL,
	"contacts" integer NOT NULL,
	"taken_at" timestamp with time zone NOT NULL,
	CONSTRAINT "lifecycle_stage_days_workspace_id_day_stage_pk" PRIMARY KEY("workspace_id","day","stage")
);
--> statement-breakpoint
ALTER TABLE "lifecycle_stage_days" ADD CONSTRAINT "lifecycle_stage_days_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;