-- Lighter writes for big imports (docs/performance.md, "Imports at wire speed"), as 0035 did for the ledger:
-- contacts lose their key to workspaces, consent_state its keys to workspaces and topics (neither is ever
-- deleted; each key was a checked lookup per imported contact or folded grant). Contact keys stay.
ALTER TABLE "contacts" DROP CONSTRAINT "contacts_workspace_id_workspaces_id_fk";
--> statement-breakpoint
ALTER TABLE "consent_state" DROP CONSTRAINT "consent_state_workspace_id_workspaces_id_fk";
--> statement-breakpoint
ALTER TABLE "consent_state" DROP CONSTRAINT "consent_state_topic_id_topics_id_fk";
