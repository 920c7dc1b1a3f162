-- consent_events is append-only: UPDATE and DELETE are rejected unless the transaction sets
-- greenlist.allow_consent_rewrite (only the erasure procedure and workspace deletion do), so the
-- proof of consent cannot be edited after the fact.
CREATE OR REPLACE FUNCTION greenlist_consent_events_guard() RETURNS trigger AS $$
BEGIN
  IF coalesce(current_setting('greenlist.allow_consent_rewrite', true), '') <> 'on' THEN
    RAISE EXCEPTION 'consent_events is append-only (% rejected)', TG_OP USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER consent_events_append_only BEFORE UPDATE OR DELETE ON consent_events
  FOR EACH ROW EXECUTE FUNCTION greenlist_consent_events_guard();
--> statement-breakpoint
-- Every existing workspace gets its suppression key (new ones get theirs when created).
INSERT INTO workspace_keys (workspace_id, suppression_key)
  SELECT id, decode(md5(random()::text || id::text || clock_timestamp()::text) || md5(random()::text || clock_timestamp()::text), 'hex') FROM workspaces
  ON CONFLICT DO NOTHING;
