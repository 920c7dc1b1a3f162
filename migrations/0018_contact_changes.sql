CREATE TABLE "contact_change_watches" (
	"workspace_id" uuid NOT NULL,
	"watcher" text NOT NULL,
	"kind" text NOT NULL,
	"key" text NOT NULL,
	CONSTRAINT "contact_change_watches_workspace_id_kind_key_watcher_pk" PRIMARY KEY("workspace_id","kind","key","watcher"),
	CONSTRAINT "contact_change_watches_kind_check" CHECK ("contact_change_watches"."kind" in ('tag', 'attribute'))
);
--> statement-breakpoint
CREATE TABLE "contact_changes" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "contact_changes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"workspace_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"value" jsonb,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "contact_change_watches" ADD CONSTRAINT "contact_change_watches_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_changes" ADD CONSTRAINT "contact_changes_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_changes" ADD CONSTRAINT "contact_changes_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "contact_changes_contact_idx" ON "contact_changes" USING btree ("contact_id");--> statement-breakpoint
CREATE INDEX "contact_changes_at_idx" ON "contact_changes" USING btree ("at");--> statement-breakpoint
CREATE INDEX "automation_runs_events_idx" ON "automation_runs" USING btree ("workspace_id","contact_id") WHERE "automation_runs"."waiting_for" = 'event';--> statement-breakpoint
-- contact_changes records changes to watched tags and attributes. Statement-level triggers with
-- transition tables (the same ones contact_tags_sync_* already use): one set-based statement per
-- contacts statement, on every write path. Why the first check: with nothing watched (the usual
-- case) a statement costs one probe of an empty table, no diff.
CREATE FUNCTION "contact_changes_record_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM contact_change_watches) THEN
    RETURN NULL;
  END IF;
  INSERT INTO contact_changes (workspace_id, contact_id, kind, key, value)
  SELECT n.workspace_id, n.id, 'tag_added', t, NULL::jsonb
    FROM new_rows n JOIN old_rows o ON o.id = n.id CROSS JOIN LATERAL unnest(n.tags) AS t
   WHERE n.tags IS DISTINCT FROM o.tags AND NOT (t = ANY (o.tags))
     AND EXISTS (SELECT 1 FROM contact_change_watches w WHERE w.workspace_id = n.workspace_id AND w.kind = 'tag' AND w.key = t)
  UNION ALL
  SELECT n.workspace_id, n.id, 'tag_removed', t, NULL::jsonb
    FROM new_rows n JOIN old_rows o ON o.id = n.id CROSS JOIN LATERAL unnest(o.tags) AS t
   WHERE n.tags IS DISTINCT FROM o.tags AND NOT (t = ANY (n.tags))
     AND EXISTS (SELECT 1 FROM contact_change_watches w WHERE w.workspace_id = n.workspace_id AND w.kind = 'tag' AND w.key = t)
  UNION ALL
  SELECT n.workspace_id, n.id, 'attribute_changed', w.key, n.attributes -> w.key
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    JOIN contact_change_watches w ON w.workspace_id = n.workspace_id AND w.kind = 'attribute'
   WHERE n.attributes IS DISTINCT FROM o.attributes AND (n.attributes -> w.key) IS DISTINCT FROM (o.attributes -> w.key);
  RETURN NULL;
END $$;--> statement-breakpoint
-- A new contact that arrives with a watched tag or attribute (an import, a sign-up form) counts as a change too.
CREATE FUNCTION "contact_changes_record_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM contact_change_watches) THEN
    RETURN NULL;
  END IF;
  INSERT INTO contact_changes (workspace_id, contact_id, kind, key, value)
  SELECT n.workspace_id, n.id, 'tag_added', t, NULL::jsonb
    FROM new_rows n CROSS JOIN LATERAL unnest(n.tags) AS t
   WHERE EXISTS (SELECT 1 FROM contact_change_watches w WHERE w.workspace_id = n.workspace_id AND w.kind = 'tag' AND w.key = t)
  UNION ALL
  SELECT n.workspace_id, n.id, 'attribute_changed', w.key, n.attributes -> w.key
    FROM new_rows n JOIN contact_change_watches w ON w.workspace_id = n.workspace_id AND w.kind = 'attribute'
   WHERE n.attributes ? w.key;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "contact_changes_record_insert" AFTER INSERT ON "contacts" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "contact_changes_record_insert"();--> statement-breakpoint
CREATE TRIGGER "contact_changes_record_update" AFTER UPDATE ON "contacts" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "contact_changes_record_update"();
