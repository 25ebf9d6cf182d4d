-- Handler of event kind organization_membership.delete: (data jsonb, options jsonb) -> (status, reason, user_id).
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_apply_clerk_organization_membership_delete(
  p_data jsonb, p_options jsonb, OUT status text, OUT reason text, OUT user_id uuid
) LANGUAGE plpgsql AS $$
DECLARE
  v_outcome text := usersync_delete_organization_membership(p_data->>'clerk_id',
    p_data->>'clerk_organization_id', p_data->>'clerk_user_id', (p_data->>'deleted_at')::timestamptz);
BEGIN
  SELECT o.status, o.reason INTO status, reason FROM usersync_organization_outcome(
    CASE WHEN v_outcome = 'deleted' THEN 'deleted-now' ELSE v_outcome END, 'membership') o;
END $$;
