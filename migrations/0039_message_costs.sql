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
-- applied; the old shape is taken back and the new one added, so replays and reorders net to one.
CREATE FUNCTION "analytics_cost_on_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO analytics_cost_deltas (workspace_id, day, country, category, kind, n)
  SELECT x.ws, x.day, coalesce((SELECT c.country FROM contacts c WHERE c.id = x.contact_id), 'unknown'), x.category, 'billable', sum(x.s)
    FROM (SELECT n.workspace_id AS ws, (n.sent_at AT TIME ZONE 'UTC')::date AS day, n.contact_id, lower(n.pricing_category) AS category, 1 AS s
            FROM new_rows n JOIN old_rows o ON o.id = n.id
           WHERE n.pricing_billable AND n.pricing_category IS NOT NULL
             AND NOT (o.pricing_billable IS TRUE AND o.pricing_category IS NOT DISTINCT FROM n.pricing_category)
          UNION ALL
          SELECT o.workspace_id, (o.sent_at AT TIME ZONE 'UTC')::date, o.contact_id, lower(o.pricing_category), -1
            FROM old_rows o JOIN new_rows n ON n.id = o.id
           WHERE o.pricing_billable AND o.pricing_category IS NOT NULL
             AND NOT (n.pricing_billable IS TRUE AND n.pricing_category IS NOT DISTINCT FROM o.pricing_category)) x
   GROUP BY 1, 2, 3, 4 HAVING sum(x.s) <> 0;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "analytics_cost_insert" AFTER INSERT ON "messages" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "analytics_cost_on_insert"();--> statement-breakpoint
CREATE TRIGGER "analytics_cost_update" AFTER UPDATE ON "messages" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "analytics_cost_on_update"();
