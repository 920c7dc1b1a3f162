CREATE TABLE "optin_logos" (
	"source_id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"content_type" text NOT NULL,
	"bytes" "bytea" NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "optin_logos_type_check" CHECK ("optin_logos"."content_type" IN ('image/png', 'image/jpeg', 'image/webp')),
	CONSTRAINT "optin_logos_size_check" CHECK ("optin_logos"."size" <= 204800)
);
--> statement-breakpoint
ALTER TABLE "optin_logos" ADD CONSTRAINT "optin_logos_source_id_optin_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."optin_sources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "optin_logos" ADD CONSTRAINT "optin_logos_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;