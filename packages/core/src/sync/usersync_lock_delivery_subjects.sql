-- Every subject lock of a group of deliveries (lock_key and lock_keys of each delivery), taken in one
-- order (COLLATE "C"), so two groups cannot deadlock.
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_lock_delivery_subjects(p_deliveries jsonb) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  k record;
BEGIN
  -- One delivery naming one subject (most statements at low load): no ordering to do.
  IF jsonb_array_length(p_deliveries) = 1 AND jsonb_typeof(p_deliveries->0->'lock_keys') IS DISTINCT FROM 'array' THEN
    IF p_deliveries->0->>'lock_key' IS NOT NULL THEN
      PERFORM pg_advisory_xact_lock(hashtextextended(p_deliveries->0->>'lock_key', 0));
    END IF;
    RETURN;
  END IF;
  FOR k IN
    SELECT DISTINCT x.key COLLATE "C" AS key
    FROM jsonb_to_recordset(p_deliveries) AS e(lock_key text, lock_keys jsonb),
      LATERAL (
        SELECT e.lock_key
        UNION ALL
        SELECT jsonb_array_elements_text(CASE jsonb_typeof(e.lock_keys) WHEN 'array' THEN e.lock_keys END)
      ) AS x(key)
    WHERE x.key IS NOT NULL
    ORDER BY 1
  LOOP
    PERFORM pg_advisory_xact_lock(hashtextextended(k.key, 0));
  END LOOP;
END $$;
