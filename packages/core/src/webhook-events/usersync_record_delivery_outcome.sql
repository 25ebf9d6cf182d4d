-- Records one delivery with its outcome (usersync_apply_lone_user_upsert.sql): the typed, one-row form of
-- usersync_record_delivery_outcomes.sql, without building and unpacking jsonb (≈ 0.15 ms of a lone
-- delivery's PostgreSQL time, docs/decisions/162). Same rule: a row left invalid or failed is overwritten
-- (attempts + 1); a row with any other outcome stays. Returns the number of rows written (0 or 1).
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_record_delivery_outcome(
  p_svix_id text, p_source text, p_type text, p_clerk_user_id text, p_payload jsonb, p_status text,
  p_error text
) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  v_recorded integer;
BEGIN
  INSERT INTO webhook_events AS w (svix_id, source, type, clerk_user_id, payload, status, error, processed_at)
  VALUES (p_svix_id, coalesce(p_source, 'clerk'), p_type, p_clerk_user_id, p_payload, p_status, p_error, now())
  ON CONFLICT (svix_id) DO UPDATE SET
    attempts = w.attempts + 1, type = excluded.type, clerk_user_id = excluded.clerk_user_id,
    payload = excluded.payload, status = excluded.status, error = excluded.error,
    processed_at = excluded.processed_at
  WHERE w.status IN ('invalid', 'failed');
  GET DIAGNOSTICS v_recorded = ROW_COUNT;
  RETURN v_recorded;
END $$;
