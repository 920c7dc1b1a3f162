CREATE TABLE "analytics_growth_buckets" (
	"workspace_id" uuid NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"action" text NOT NULL,
	"source" text NOT NULL,
	"topic_id" uuid,
	"number_id" uuid,
	"events" integer NOT NULL,
	"acts" integer NOT NULL,
	CONSTRAINT "analytics_growth_buckets_uq" UNIQUE NULLS NOT DISTINCT("workspace_id","bucket","action","source","topic_id","number_id")
);
--> statement-breakpoint
CREATE TABLE "analytics_growth_deltas" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "analytics_growth_deltas_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"workspace_id" uuid NOT NULL,
	"event_id" bigint NOT NULL,
	"contact_id" uuid,
	"topic_id" uuid,
	"action" text NOT NULL,
	"source" text NOT NULL,
	"wamid" text,
	"first_of_act" boolean NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics_opt_outs" (
	"event_id" bigint PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"contact_id" uuid,
	"occurred_at" timestamp with time zone NOT NULL,
	"source" text NOT NULL,
	"topic_ids" uuid[],
	"credited_kind" text NOT NULL,
	"credited_id" uuid,
	"credited_step_id" text
);
--> statement-breakpoint
ALTER TABLE "analytics_growth_buckets" ADD CONSTRAINT "analytics_growth_buckets_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_opt_outs" ADD CONSTRAINT "analytics_opt_outs_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_opt_outs" ADD CONSTRAINT "analytics_opt_outs_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "analytics_opt_outs_ws_idx" ON "analytics_opt_outs" USING btree ("workspace_id","occurred_at");--> statement-breakpoint
CREATE INDEX "analytics_opt_outs_contact_idx" ON "analytics_opt_outs" USING btree ("contact_id") WHERE "analytics_opt_outs"."contact_id" IS NOT NULL;--> statement-breakpoint
-- The growth rollup's feed: every grant and withdrawal appended to the ledger is copied to the
-- delta table in the appending statement (one INSERT … SELECT per statement, from its transition
-- table), and the growth loop folds the deltas into the rollup. Only INSERT feeds it: erasure and
-- merging rewrite ledger rows (UPDATE) and workspace deletion deletes them, none of which changes a count.
CREATE OR REPLACE FUNCTION greenlist_analytics_growth_feed() RETURNS trigger AS $$
BEGIN
  INSERT INTO analytics_growth_deltas (workspace_id, event_id, contact_id, topic_id, action, source, wamid, first_of_act, occurred_at, recorded_at)
  SELECT n.workspace_id, n.id, n.contact_id, n.topic_id, n.action, n.source, n.evidence->>'wamid',
         row_number() OVER (PARTITION BY n.workspace_id, n.contact_id, n.action, n.source, n.occurred_at ORDER BY n.id) = 1,
         n.occurred_at, n.recorded_at
  FROM new_rows n WHERE n.action IN ('grant', 'withdraw')
  ORDER BY n.id;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER consent_events_growth_feed AFTER INSERT ON consent_events
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION greenlist_analytics_growth_feed();
--> statement-breakpoint
-- Backfill: the ledger so far goes through the same feed (the loop's first passes fold it in).
INSERT INTO analytics_growth_deltas (workspace_id, event_id, contact_id, topic_id, action, source, wamid, first_of_act, occurred_at, recorded_at)
SELECT e.workspace_id, e.id, e.contact_id, e.topic_id, e.action, e.source, e.evidence->>'wamid',
       row_number() OVER (PARTITION BY e.workspace_id, e.contact_id, e.action, e.source, e.recorded_at, e.occurred_at ORDER BY e.id) = 1,
       e.occurred_at, e.recorded_at
FROM consent_events e WHERE e.action IN ('grant', 'withdraw')
ORDER BY e.id;
