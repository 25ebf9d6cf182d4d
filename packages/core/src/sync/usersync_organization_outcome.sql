-- What an organization, membership or invitation outcome means for a delivery.
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_organization_outcome(
  p_outcome text, p_noun text, OUT status text, OUT reason text
) LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  CASE p_outcome
    WHEN 'created', 'updated', 'deleted-now' THEN status := 'applied';
    WHEN 'unchanged' THEN status := 'duplicate'; reason := 'this version of the ' || p_noun || ' is already stored';
    WHEN 'stale' THEN status := 'stale'; reason := 'a newer version of the ' || p_noun || ' is already stored';
    WHEN 'deleted' THEN status := 'stale'; reason := 'the ' || p_noun || ' was deleted; deletion is final';
    WHEN 'already-deleted' THEN status := 'duplicate'; reason := 'the ' || p_noun || ' was already deleted';
    WHEN 'organization-deleted' THEN status := 'stale'; reason := 'the organization was deleted; its memberships ended';
    WHEN 'user-deleted' THEN status := 'stale'; reason := 'the user was deleted; their memberships ended';
  END CASE; -- no ELSE: an unexpected outcome raises CASE_NOT_FOUND instead of passing silently
END $$;
