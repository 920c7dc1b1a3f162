-- Conversions credited to automation steps (issue 17; docs/design.md §24c): the conversions service credits each goal event once, to the last broadcast or automation message before it.
CREATE TABLE "automation_conversions" (
	"event_id" bigint PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"automation_id" uuid NOT NULL,
	"step_id" text NOT NULL,
	"run_id" bigint NOT NULL,
	"contact_id" uuid NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"amount" numeric(14, 2),
	"currency" text,
	"refunded" numeric(14, 2) DEFAULT '0' NOT NULL,
	"attributed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "automation_conversions_step_idx" ON "automation_conversions" USING btree ("automation_id","step_id");--> statement-breakpoint
CREATE INDEX "automation_conversions_contact_idx" ON "automation_conversions" USING btree ("workspace_id","contact_id");