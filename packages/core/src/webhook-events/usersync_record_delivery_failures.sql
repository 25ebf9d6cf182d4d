-- Records deliveries as failed with one error (each delivery's svix_id at most once in p_deliveries:
-- { svix_id, source, type, clerk_user_id }): a new row, or a row left invalid or failed is overwritten;
-- any other outcome already recorded stays. Called by usersync_apply_clerk_deliveries.sql for a delivery
-- that raised, and by webhook-event.repository.ts when a whole statement failed.
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_record_delivery_failures(p_deliveries jsonb, p_error text)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO webhook_events AS w (svix_id, source, type, clerk_user_id, status, error, processed_at)
  SELECT d.svix_id, coalesce(d.source, 'clerk'), d.type, d.clerk_user_id, 'failed', p_error, now()
  FROM jsonb_to_recordset(p_deliveries) AS d(svix_id text, source text, type text, clerk_user_id text)
  ON CONFLICT (svix_id) DO UPDATE SET
    status = 'failed', error = excluded.error, processed_at = excluded.processed_at
  WHERE w.status IN ('invalid', 'failed');
END $$;
