CREATE TABLE "analytics_cost_days" (
	"workspace_id" uuid NOT NULL,
	"day" date NOT NULL,
	"country" text NOT NULL,
	"category" text NOT NULL,
	"kind" text NOT NULL,
	"messages" bigint NOT NULL,
	CONSTRAINT "analytics_cost_days_workspace_id_day_country_category_kind_pk" PRIMARY KEY("workspace_id","day","country","category","kind")
);
--> statement-breakpoint
CREATE TABLE "analytics_cost_deltas" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "analytics_cost_deltas_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"workspace_id" uuid NOT NULL,
	"day" date NOT NULL,
	"country" text NOT NULL,
	"category" text NOT NULL,
	"kind" text NOT NULL,
	"n" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "pricing_billable" boolean;--> statement-breakpoint
ALTER TABLE "analytics_cost_days" ADD CONSTRAINT "analytics_cost_days_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Cost deltas (see cost.tables.ts): statement-level triggers with transition tables, one grouped
-- INSERT per statement whatever its size (a broadcast batch logs thousands of messages at once).
-- The recipient's country is the contact's (null or erased: 'unknown', priced at the card's '*').
CREATE FUNCTION "analytics_cost_on_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO analytics_cost_deltas (workspace_id, day, country, category, kind, n)
  SELECT m.workspace_id, (m.sent_at AT TIME ZONE 'UTC')::date, coalesce(c.country, 'unknown'),
         CASE WHEN m.marketing THEN 'marketing' ELSE 'utility' END, 'estimated', count(*)
    FROM new_rows m LEFT JOIN contacts c ON c.id = m.contact_id
   WHERE m.direction = 'out' AND m.type = 'template'
   GROUP BY 1, 2, 3, 4;
  INSERT INTO analytics_cost_deltas (workspace_id, day, country, category, kind, n)
  SELECT m.workspace_id, (m.sent_at AT TIME ZONE 'UTC')::date, coalesce(c.country, 'unknown'), lower(m.pricing_category), 'billable', count(*)
    FROM new_rows m LEFT JOIN contacts c ON c.id = m.contact_id
   WHERE m.pricing_billable AND m.pricing_category IS NOT NULL
   GROUP BY 1, 2, 3, 4;
  RETURN NULL;
END $$;--> statement-breakpoint
-- A message's billable shape (category, billable) changes once, when its first priced status is
-- applied: the old shape is taken back and the new one added, so replays and reorders net to one.
-- Why a row trigger with WHEN, unlike the insert's statement trigger: every status batch rewrites
-- its messages, and a statement trigger's transition tables copied all those rows (the message
-- reconcile ran ~30 % slower on PGlite); the WHEN clause costs nothing when the shape is unchanged.
CREATE FUNCTION "analytics_cost_on_update"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ctry text := coalesce((SELECT c.country FROM contacts c WHERE c.id = NEW.contact_id), 'unknown');
BEGIN
  IF OLD.pricing_billable AND OLD.pricing_category IS NOT NULL THEN
    INSERT INTO analytics_cost_deltas (workspace_id, day, country, category, kind, n)
    VALUES (OLD.workspace_id, (OLD.sent_at AT TIME ZONE 'UTC')::date, ctry, lower(OLD.pricing_category), 'billable', -1);
  END IF;
  IF NEW.pricing_billable AND NEW.pricing_category IS NOT NULL THEN
    INSERT INTO analytics_cost_deltas (workspace_id, day, country, category, kind, n)
    VALUES (NEW.workspace_id, (NEW.sent_at AT TIME ZONE 'UTC')::date, ctry, lower(NEW.pricing_category), 'billable', 1);
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "analytics_cost_insert" AFTER INSERT ON "messages" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "analytics_cost_on_insert"();--> statement-breakpoint
CREATE TRIGGER "analytics_cost_update" AFTER UPDATE OF "pricing_billable", "pricing_category" ON "messages" FOR EACH ROW
  WHEN (OLD.pricing_billable IS DISTINCT FROM NEW.pricing_billable OR OLD.pricing_category IS DISTINCT FROM NEW.pricing_category)
  EXECUTE FUNCTION "analytics_cost_on_update"();
