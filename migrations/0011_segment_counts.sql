CREATE TABLE "contact_tags" (
	"workspace_id" uuid NOT NULL,
	"tag" text NOT NULL,
	"contact_id" uuid NOT NULL,
	CONSTRAINT "contact_tags_workspace_id_tag_contact_id_pk" PRIMARY KEY("workspace_id","tag","contact_id")
);
--> statement-breakpoint
DROP INDEX "consent_state_topic_idx";--> statement-breakpoint
DROP INDEX "contact_engagement_engaged_idx";--> statement-breakpoint
CREATE INDEX "contact_events_by_contact_idx" ON "contact_events" USING btree ("workspace_id","type","contact_id","occurred_at","amount");--> statement-breakpoint
CREATE INDEX "consent_state_topic_idx" ON "consent_state" USING btree ("workspace_id","topic_id","status","contact_id");--> statement-breakpoint
CREATE INDEX "contact_engagement_engaged_idx" ON "contact_engagement" USING btree ("workspace_id","last_engaged_at","contact_id");--> statement-breakpoint
-- contact_tags mirrors contacts.tags. Statement-level triggers with transition tables keep it exact
-- on every write path: one set-based statement per contacts statement (not a call per row), and an
-- update rewrites only the rows of contacts whose tags (or id, or workspace) changed.
CREATE FUNCTION "contact_index_tags"(ws uuid, id uuid, tags text[]) RETURNS TABLE (workspace_id uuid, tag text, contact_id uuid)
LANGUAGE sql IMMUTABLE AS $$ SELECT DISTINCT ws, t, id FROM unnest(tags) AS t WHERE t IS NOT NULL $$;--> statement-breakpoint
CREATE FUNCTION "contact_tags_sync_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO contact_tags SELECT x.* FROM new_rows n CROSS JOIN LATERAL contact_index_tags(n.workspace_id, n.id, n.tags) x;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION "contact_tags_sync_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM contact_tags ct USING old_rows o CROSS JOIN LATERAL contact_index_tags(o.workspace_id, o.id, o.tags) x
  WHERE ct.workspace_id = x.workspace_id AND ct.tag = x.tag AND ct.contact_id = x.contact_id;
  RETURN NULL;
END $$;--> statement-breakpoint
-- The old versions of changed rows go first, then the new ones come in (two statements: a data-modifying
-- CTE would not see its own delete).
CREATE FUNCTION "contact_tags_sync_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM contact_tags ct
  USING (SELECT id, workspace_id, tags FROM old_rows EXCEPT SELECT id, workspace_id, tags FROM new_rows) o CROSS JOIN LATERAL contact_index_tags(o.workspace_id, o.id, o.tags) x
  WHERE ct.workspace_id = x.workspace_id AND ct.tag = x.tag AND ct.contact_id = x.contact_id;
  INSERT INTO contact_tags SELECT x.*
  FROM (SELECT id, workspace_id, tags FROM new_rows EXCEPT SELECT id, workspace_id, tags FROM old_rows) n CROSS JOIN LATERAL contact_index_tags(n.workspace_id, n.id, n.tags) x;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION "contact_tags_sync_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE contact_tags;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "contact_tags_sync_insert" AFTER INSERT ON "contacts" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "contact_tags_sync_insert"();--> statement-breakpoint
CREATE TRIGGER "contact_tags_sync_update" AFTER UPDATE ON "contacts" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "contact_tags_sync_update"();--> statement-breakpoint
CREATE TRIGGER "contact_tags_sync_delete" AFTER DELETE ON "contacts" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "contact_tags_sync_delete"();--> statement-breakpoint
CREATE TRIGGER "contact_tags_sync_truncate" AFTER TRUNCATE ON "contacts" FOR EACH STATEMENT EXECUTE FUNCTION "contact_tags_sync_truncate"();--> statement-breakpoint
-- In key order, so the primary key fills its pages (random order leaves them ~70 % full).
INSERT INTO "contact_tags" SELECT x.* FROM "contacts" c CROSS JOIN LATERAL contact_index_tags(c."workspace_id", c."id", c."tags") x ORDER BY 1, 2, 3;
