-- Handler of event kind user.upsert: (data jsonb, options jsonb) -> (status, reason, user_id).
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_apply_clerk_user_upsert(
  p_data jsonb, p_options jsonb, OUT status text, OUT reason text, OUT user_id uuid
) LANGUAGE plpgsql AS $$
DECLARE
  result record;
BEGIN
  SELECT * INTO result FROM usersync_write_clerk_user(
    jsonb_populate_record(NULL::usersync_clerk_user, p_data), p_options->>'default_role', false);
  user_id := (result.written).id;
  SELECT s.status, s.reason INTO status, reason FROM usersync_user_upsert_status(result.outcome) s;
END $$;
