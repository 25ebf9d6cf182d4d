-- Handler of event kind user.delete: (data jsonb, options jsonb) -> (status, reason, user_id).
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_apply_clerk_user_delete(
  p_data jsonb, p_options jsonb, OUT status text, OUT reason text, OUT user_id uuid
) LANGUAGE plpgsql AS $$
BEGIN
  IF usersync_delete_clerk_user(
    p_data->>'clerk_id', (p_data->>'deleted_at')::timestamptz, p_options->>'delete_mode'
  ) THEN
    status := 'duplicate';
    reason := 'the user was already deleted';
  ELSE
    status := 'applied';
  END IF;
END $$;
