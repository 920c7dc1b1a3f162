-- Lighter writes for big imports (docs/performance.md, "Imports at wire speed"): the ledger keeps its foreign key to
-- contacts only (workspaces and topics are never deleted, and each key was a checked lookup per event), and
-- the wa_id index skips contacts without one (every imported contact, until the person writes).
ALTER TABLE "consent_events" DROP CONSTRAINT "consent_events_workspace_id_workspaces_id_fk";
--> statement-breakpoint
ALTER TABLE "consent_events" DROP CONSTRAINT "consent_events_topic_id_topics_id_fk";
--> statement-breakpoint
DROP INDEX "contacts_workspace_wa_id_idx";--> statement-breakpoint
CREATE INDEX "contacts_workspace_wa_id_idx" ON "contacts" USING btree ("workspace_id","wa_id") WHERE "contacts"."wa_id" is not null;