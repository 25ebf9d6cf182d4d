-- Organizations reconcile, a page per statement: every lock of the page first, in the write path's
-- one order (keys sorted, COLLATE "C"), then the one rule per object (usersync_write_organization.sql)
-- in clerk_id order; it takes those locks again (re-entrant).
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_write_organizations(p_organizations jsonb)
RETURNS TABLE (ordinal integer, outcome text) LANGUAGE plpgsql AS $$
DECLARE
  item record;
BEGIN
  PERFORM count(pg_advisory_xact_lock(hashtextextended(k.key, 0)))
  FROM (
    SELECT DISTINCT ('usersync:organization:' || (e.value->>'clerk_id')) COLLATE "C" AS key
    FROM jsonb_array_elements(p_organizations) AS e(value)
    ORDER BY 1
  ) k;
  FOR item IN
    SELECT e.ord::integer AS ord, e.value
    FROM jsonb_array_elements(p_organizations) WITH ORDINALITY AS e(value, ord)
    ORDER BY e.value->>'clerk_id' COLLATE "C", e.ord
  LOOP
    ordinal := item.ord;
    outcome := usersync_write_organization(item.value);
    RETURN NEXT;
  END LOOP;
END $$;
