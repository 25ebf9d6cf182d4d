-- Handler of event kind organization_membership.upsert (the membership with the organization it
-- embeds): (data jsonb, options jsonb) -> (status, reason, user_id).
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_apply_clerk_organization_membership_upsert(
  p_data jsonb, p_options jsonb, OUT status text, OUT reason text, OUT user_id uuid
) LANGUAGE plpgsql AS $$
BEGIN
  SELECT o.status, o.reason INTO status, reason FROM usersync_organization_outcome(
    usersync_write_organization_membership(p_data, p_data->'organization'), 'membership') o;
END $$;
