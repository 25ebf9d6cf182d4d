-- Handler of event kind organization_invitation.upsert: (data jsonb, options jsonb) -> (status, reason, user_id).
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_apply_clerk_organization_invitation_upsert(
  p_data jsonb, p_options jsonb, OUT status text, OUT reason text, OUT user_id uuid
) LANGUAGE plpgsql AS $$
BEGIN
  SELECT o.status, o.reason INTO status, reason
  FROM usersync_organization_outcome(usersync_write_organization_invitation(p_data), 'invitation') o;
END $$;
