CREATE TABLE "broadcast_funnel_counts" (
	"broadcast_id" uuid NOT NULL,
	"metric" text NOT NULL,
	"workspace_id" uuid NOT NULL,
	"n" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "broadcast_funnel_counts_broadcast_id_metric_pk" PRIMARY KEY("broadcast_id","metric")
);
--> statement-breakpoint
CREATE TABLE "broadcast_funnel_deltas" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "broadcast_funnel_deltas_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"broadcast_id" uuid NOT NULL,
	"workspace_id" uuid NOT NULL,
	"state" text NOT NULL,
	"rank" smallint NOT NULL,
	"reason" text,
	"code" integer,
	"replied" boolean NOT NULL,
	"clicked" boolean NOT NULL,
	"opted_out" boolean NOT NULL,
	"n" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "broadcast_funnel_counts" ADD CONSTRAINT "broadcast_funnel_counts_broadcast_id_broadcasts_id_fk" FOREIGN KEY ("broadcast_id") REFERENCES "public"."broadcasts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "broadcast_funnel_deltas_broadcast_idx" ON "broadcast_funnel_deltas" USING btree ("broadcast_id");--> statement-breakpoint
-- The funnel metrics one recipient row of a given shape counts in: the single definition of the
-- counting rules, used by the drain, the live read and the backfill. Excluded rows are apart from
-- the plan; a message counts as sent once accepted (or failed asynchronously after it was sent).
CREATE FUNCTION "broadcast_funnel_metrics"(state text, rank int, reason text, code int, replied boolean, clicked boolean, opted_out boolean) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN state = 'excluded' THEN ARRAY['excluded', 'excluded:' || coalesce(reason, 'unknown')]
  ELSE array_remove(ARRAY['planned',
    CASE WHEN state IN ('queued', 'claimed', 'sending', 'uncertain', 'cancelled', 'skipped', 'failed') THEN CASE WHEN state = 'claimed' THEN 'queued' ELSE state END END,
    CASE WHEN state = 'skipped' THEN 'skipped:' || coalesce(reason, 'unknown') END,
    CASE WHEN state = 'failed' THEN 'failed:' || coalesce(code, 0)::text END,
    CASE WHEN state = 'accepted' OR (state = 'failed' AND rank >= 2) THEN 'sent' END,
    CASE WHEN rank >= 3 THEN 'delivered' END,
    CASE WHEN rank >= 4 THEN 'read' END,
    CASE WHEN replied THEN 'replied' END,
    CASE WHEN clicked THEN 'clicked' END,
    CASE WHEN opted_out THEN 'opted_out' END], NULL) END
$$;--> statement-breakpoint
-- Funnel deltas: statement-level triggers with transition tables on broadcast_recipients append one
-- row per (broadcast, shape) a statement changed, with a signed count; a claim (queued → claimed)
-- or a lease renewal nets to nothing and writes nothing. Append-only, so concurrent writers never
-- wait on a shared counter row; the drain folds them into broadcast_funnel_counts.
CREATE FUNCTION "broadcast_funnel_on_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO broadcast_funnel_deltas (broadcast_id, workspace_id, state, rank, reason, code, replied, clicked, opted_out, n)
  SELECT broadcast_id, workspace_id, CASE WHEN state = 'claimed' THEN 'queued' ELSE state END, delivery_rank,
         CASE WHEN state IN ('skipped', 'excluded') THEN reason END, CASE WHEN state = 'failed' THEN coalesce(error_code, 0) END,
         replied_at IS NOT NULL, clicked_at IS NOT NULL, opted_out_at IS NOT NULL, count(*)
    FROM new_rows GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION "broadcast_funnel_on_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO broadcast_funnel_deltas (broadcast_id, workspace_id, state, rank, reason, code, replied, clicked, opted_out, n)
  SELECT broadcast_id, workspace_id, CASE WHEN state = 'claimed' THEN 'queued' ELSE state END, delivery_rank,
         CASE WHEN state IN ('skipped', 'excluded') THEN reason END, CASE WHEN state = 'failed' THEN coalesce(error_code, 0) END,
         replied_at IS NOT NULL, clicked_at IS NOT NULL, opted_out_at IS NOT NULL, -count(*)
    FROM old_rows GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION "broadcast_funnel_on_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO broadcast_funnel_deltas (broadcast_id, workspace_id, state, rank, reason, code, replied, clicked, opted_out, n)
  SELECT broadcast_id, workspace_id, st, rk, rs, cd, rp, cl, oo, sum(s)
    FROM (SELECT broadcast_id, workspace_id, CASE WHEN state = 'claimed' THEN 'queued' ELSE state END AS st, delivery_rank AS rk,
                 CASE WHEN state IN ('skipped', 'excluded') THEN reason END AS rs, CASE WHEN state = 'failed' THEN coalesce(error_code, 0) END AS cd,
                 replied_at IS NOT NULL AS rp, clicked_at IS NOT NULL AS cl, opted_out_at IS NOT NULL AS oo, 1 AS s FROM new_rows
          UNION ALL
          SELECT broadcast_id, workspace_id, CASE WHEN state = 'claimed' THEN 'queued' ELSE state END, delivery_rank,
                 CASE WHEN state IN ('skipped', 'excluded') THEN reason END, CASE WHEN state = 'failed' THEN coalesce(error_code, 0) END,
                 replied_at IS NOT NULL, clicked_at IS NOT NULL, opted_out_at IS NOT NULL, -1 FROM old_rows) x
   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9 HAVING sum(s) <> 0;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION "broadcast_funnel_on_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE broadcast_funnel_deltas;
  DELETE FROM broadcast_funnel_counts;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "broadcast_funnel_on_insert" AFTER INSERT ON "broadcast_recipients" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "broadcast_funnel_on_insert"();--> statement-breakpoint
CREATE TRIGGER "broadcast_funnel_on_update" AFTER UPDATE ON "broadcast_recipients" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "broadcast_funnel_on_update"();--> statement-breakpoint
CREATE TRIGGER "broadcast_funnel_on_delete" AFTER DELETE ON "broadcast_recipients" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "broadcast_funnel_on_delete"();--> statement-breakpoint
CREATE TRIGGER "broadcast_funnel_on_truncate" AFTER TRUNCATE ON "broadcast_recipients" FOR EACH STATEMENT EXECUTE FUNCTION "broadcast_funnel_on_truncate"();--> statement-breakpoint
-- Backfill: the broadcasts started before the rollup existed, from one grouped scan.
INSERT INTO "broadcast_funnel_counts" (broadcast_id, workspace_id, metric, n)
SELECT g.broadcast_id, g.workspace_id, m.metric, sum(g.n)
  FROM (SELECT broadcast_id, workspace_id, state, delivery_rank, reason, error_code, replied_at IS NOT NULL AS rp, clicked_at IS NOT NULL AS cl, opted_out_at IS NOT NULL AS oo, count(*) AS n
          FROM broadcast_recipients GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9) g
  JOIN broadcasts b ON b.id = g.broadcast_id
  CROSS JOIN LATERAL unnest(broadcast_funnel_metrics(g.state, g.delivery_rank, CASE WHEN g.state IN ('skipped', 'excluded') THEN g.reason END,
                                                     CASE WHEN g.state = 'failed' THEN coalesce(g.error_code, 0) END, g.rp, g.cl, g.oo)) AS m(metric)
 GROUP BY 1, 2, 3;
