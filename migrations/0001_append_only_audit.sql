-- audit_log is append-only: UPDATE is always rejected; DELETE only inside a transaction that
-- explicitly sets greenlist.allow_audit_purge (workspace deletion, retention), never by accident.
CREATE OR REPLACE FUNCTION greenlist_audit_log_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION 'audit_log is append-only (UPDATE rejected)' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF coalesce(current_setting('greenlist.allow_audit_purge', true), '') <> 'on' THEN
    RAISE EXCEPTION 'audit_log is append-only (DELETE rejected)' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN OLD;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION greenlist_audit_log_guard();
