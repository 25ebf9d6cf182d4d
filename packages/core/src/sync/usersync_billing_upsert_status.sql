-- What a billing write outcome means for a delivery (p_what: "subscription", "subscription item").
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_billing_upsert_status(p_outcome text, p_what text, OUT status text, OUT reason text)
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  CASE p_outcome
    WHEN 'created', 'updated' THEN status := 'applied';
    WHEN 'unchanged' THEN status := 'duplicate'; reason := 'this version of the ' || p_what || ' is already stored';
    WHEN 'stale' THEN status := 'stale'; reason := 'a newer version of the ' || p_what || ' is already stored';
  END CASE; -- no ELSE: an unexpected outcome raises CASE_NOT_FOUND instead of passing silently
END $$;
