-- Webhooks and the fallback sync: the rule of usersync_write_clerk_users.sql with one user
-- (outcome, and the row as stored).
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_write_clerk_user(
  f usersync_clerk_user, p_default_role text, p_present_in_clerk boolean,
  OUT outcome text, OUT written users
) LANGUAGE plpgsql AS $$
DECLARE
  result record;
BEGIN
  SELECT * INTO result
  FROM usersync_write_clerk_users(jsonb_build_array(to_jsonb(f)), p_default_role, p_present_in_clerk);
  outcome := result.outcome;
  written := result.written;
END $$;
