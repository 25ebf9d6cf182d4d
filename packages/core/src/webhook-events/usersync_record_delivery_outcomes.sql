-- Records a group of deliveries with their outcomes, in one insert (usersync_apply_clerk_deliveries_together.sql):
-- p_deliveries as the write path passes them ({ svix_id, source, type, clerk_user_id, payload, … }),
-- p_outcomes by ordinal in p_deliveries, p_answered the ordinals not to record (a svix-id already
-- processed: answered duplicate). A row left invalid or failed is overwritten (attempts + 1); a row with
-- any other outcome stays. Returns the number of rows written: fewer than asked means another statement
-- recorded one of these svix-ids meanwhile.
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_record_delivery_outcomes(
  p_deliveries jsonb, p_outcomes usersync_delivery_outcome[], p_answered integer[]
) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  v_recorded integer;
BEGIN
  INSERT INTO webhook_events AS w (svix_id, source, type, clerk_user_id, payload, status, error, processed_at)
  SELECT e.svix_id, coalesce(e.source, 'clerk'), e.type, e.clerk_user_id, e.payload, o.status, o.reason, now()
  FROM ROWS FROM (jsonb_to_recordset(p_deliveries)
      AS (svix_id text, source text, type text, clerk_user_id text, payload jsonb))
    WITH ORDINALITY AS e(svix_id, source, type, clerk_user_id, payload, ord)
  JOIN unnest(p_outcomes) o ON o.ordinal = e.ord
  WHERE NOT o.ordinal = ANY (p_answered)
  ON CONFLICT (svix_id) DO UPDATE SET
    attempts = w.attempts + 1, type = excluded.type, clerk_user_id = excluded.clerk_user_id,
    payload = excluded.payload, status = excluded.status, error = excluded.error,
    processed_at = excluded.processed_at
  WHERE w.status IN ('invalid', 'failed');
  GET DIAGNOSTICS v_recorded = ROW_COUNT;
  RETURN v_recorded;
END $$;
