-- A deleted person leaves every stored delivery payload (decision 181): their own user.* deliveries
-- (clerk_user_id), those naming them as a member (public_user_data) or billing payer, and organization
-- invitations to their address. The conditions match the partial indexes of migration 2026_12_07_0820.
-- The records stay. Called by usersync_delete_clerk_user. Returns how many payloads were redacted.
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_forget_person_in_deliveries(p_clerk_id text, p_email text) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  v_count integer;
BEGIN
  UPDATE webhook_events w SET payload = usersync_redacted_payload(w.payload), payload_redacted_at = now()
  WHERE w.payload_redacted_at IS NULL AND w.payload IS NOT NULL AND (
    w.clerk_user_id = p_clerk_id
    OR ((w.type LIKE 'organizationMembership.%' OR w.type LIKE 'subscription%' OR w.type LIKE 'paymentAttempt.%')
      AND coalesce(w.payload #>> '{data,public_user_data,user_id}', w.payload #>> '{data,payer,user_id}') = p_clerk_id)
    OR (p_email IS NOT NULL AND w.type LIKE 'organizationInvitation.%'
      AND lower(w.payload #>> '{data,email_address}') = lower(p_email))
  );
  GET DIAGNOSTICS v_count = ROW_COUNT;
  RETURN v_count;
END $$;
