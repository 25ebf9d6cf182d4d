-- Memberships reconcile, a page per statement: every lock of the page first, in the one order, then
-- each membership with the organization it embeds (its "organization" field), as one by one
-- (usersync_write_organization_membership.sql).
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_write_organization_memberships(p_memberships jsonb)
RETURNS TABLE (ordinal integer, outcome text) LANGUAGE plpgsql AS $$
DECLARE
  item record;
BEGIN
  PERFORM count(pg_advisory_xact_lock(hashtextextended(k.key, 0)))
  FROM (
    SELECT DISTINCT x.key COLLATE "C" AS key
    FROM jsonb_array_elements(p_memberships) AS e(value),
      LATERAL (VALUES
        ('usersync:organization:' || (e.value->>'clerk_organization_id')),
        ('usersync:organization_membership:' || (e.value->>'clerk_id')),
        ('usersync:user:' || (e.value->>'clerk_user_id'))
      ) AS x(key)
    ORDER BY 1
  ) k;
  FOR item IN
    SELECT e.ord::integer AS ord, e.value
    FROM jsonb_array_elements(p_memberships) WITH ORDINALITY AS e(value, ord)
    ORDER BY e.value->>'clerk_id' COLLATE "C", e.ord
  LOOP
    ordinal := item.ord;
    outcome := usersync_write_organization_membership(item.value, item.value->'organization');
    RETURN NEXT;
  END LOOP;
END $$;
