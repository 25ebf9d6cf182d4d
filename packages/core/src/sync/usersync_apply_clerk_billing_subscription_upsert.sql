-- Dispatch handler of billing_subscription.upsert (subscription.* events; sync/billing-event-handlers.ts).
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_apply_clerk_billing_subscription_upsert(
  p_data jsonb, p_options jsonb, OUT status text, OUT reason text, OUT user_id uuid
) LANGUAGE plpgsql AS $$
BEGIN
  SELECT s.status, s.reason INTO status, reason
  FROM usersync_billing_upsert_status(usersync_write_billing_subscription(p_data), 'subscription') s;
END $$;
