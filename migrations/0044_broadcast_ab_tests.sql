CREATE TABLE "broadcast_ab_tests" (
	"broadcast_id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"variants" jsonb NOT NULL,
	"test_percent" smallint NOT NULL,
	"holdout_percent" smallint DEFAULT 0 NOT NULL,
	"metric" text NOT NULL,
	"window_hours" integer NOT NULL,
	"auto_send_winner" boolean NOT NULL,
	"status" text DEFAULT 'not_started' NOT NULL,
	"test_ends_at" timestamp with time zone,
	"winner" text,
	"picked_by" text,
	"picked_at" timestamp with time zone,
	"results_at_pick" jsonb,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "broadcast_ab_tests_status_check" CHECK (status IN ('not_started', 'testing', 'waiting_for_pick', 'rest_sending', 'done')),
	CONSTRAINT "broadcast_ab_tests_metric_check" CHECK (metric IN ('read', 'reply', 'click', 'conversion'))
);
--> statement-breakpoint
ALTER TABLE "broadcast_recipients" ADD COLUMN "variant" text;--> statement-breakpoint
ALTER TABLE "broadcast_ab_tests" ADD CONSTRAINT "broadcast_ab_tests_broadcast_id_broadcasts_id_fk" FOREIGN KEY ("broadcast_id") REFERENCES "public"."broadcasts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "broadcast_ab_tests" ADD CONSTRAINT "broadcast_ab_tests_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "broadcast_ab_tests_due_idx" ON "broadcast_ab_tests" USING btree ("test_ends_at") WHERE "broadcast_ab_tests"."status" IN ('testing', 'rest_sending');