-- What a user upsert outcome (usersync_write_clerk_users.sql) means for a delivery: one place, for
-- the group path (usersync_apply_clerk_deliveries_together.sql) and the one-delivery handler.
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_user_upsert_status(p_outcome text, OUT status text, OUT reason text)
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  CASE p_outcome
    WHEN 'created', 'updated' THEN status := 'applied';
    WHEN 'unchanged' THEN status := 'duplicate'; reason := 'this version of the user is already stored';
    WHEN 'stale' THEN status := 'stale'; reason := 'a newer version of the user is already stored';
    WHEN 'deleted' THEN status := 'stale'; reason := 'the user was deleted; deletion is final';
  END CASE; -- no ELSE: an unexpected outcome raises CASE_NOT_FOUND instead of passing silently
END $$;
