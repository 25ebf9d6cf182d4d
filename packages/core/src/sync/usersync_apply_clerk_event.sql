-- The dispatch table of the write path: event kind -> handler (kinds are decided in TypeScript:
-- sync/clerk-event-handlers.ts). Adding an event kind = its handler's .sql file + one WHEN here (+ the
-- handler's entry in src/sql-functions.ts).
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_apply_clerk_event(
  p_kind text, p_data jsonb, p_options jsonb, OUT status text, OUT reason text, OUT user_id uuid
) LANGUAGE plpgsql AS $$
BEGIN
  CASE p_kind
    WHEN 'user.upsert' THEN
      SELECT * INTO status, reason, user_id FROM usersync_apply_clerk_user_upsert(p_data, p_options);
    WHEN 'user.delete' THEN
      SELECT * INTO status, reason, user_id FROM usersync_apply_clerk_user_delete(p_data, p_options);
    WHEN 'organization.upsert' THEN
      SELECT * INTO status, reason, user_id FROM usersync_apply_clerk_organization_upsert(p_data, p_options);
    WHEN 'organization.delete' THEN
      SELECT * INTO status, reason, user_id FROM usersync_apply_clerk_organization_delete(p_data, p_options);
    WHEN 'organization_membership.upsert' THEN
      SELECT * INTO status, reason, user_id FROM usersync_apply_clerk_organization_membership_upsert(p_data, p_options);
    WHEN 'organization_membership.delete' THEN
      SELECT * INTO status, reason, user_id FROM usersync_apply_clerk_organization_membership_delete(p_data, p_options);
    WHEN 'organization_invitation.upsert' THEN
      SELECT * INTO status, reason, user_id FROM usersync_apply_clerk_organization_invitation_upsert(p_data, p_options);
    WHEN 'billing_subscription.upsert' THEN
      SELECT * INTO status, reason, user_id FROM usersync_apply_clerk_billing_subscription_upsert(p_data, p_options);
    WHEN 'billing_subscription_item.upsert' THEN
      SELECT * INTO status, reason, user_id FROM usersync_apply_clerk_billing_subscription_item_upsert(p_data, p_options);
    ELSE
      RAISE EXCEPTION 'usersync: no handler for event kind %', p_kind;
  END CASE;
END $$;
