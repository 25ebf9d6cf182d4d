-- Organization deletion is terminal and ends every membership. Outcome: deleted | already-deleted.
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_delete_organization(p_clerk_id text, p_deleted_at timestamptz, p_mode text)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  v_new integer;
BEGIN
  PERFORM usersync_lock_clerk_id('organization', p_clerk_id);
  INSERT INTO organization_tombstones (clerk_id, deleted_at) VALUES (p_clerk_id, p_deleted_at)
  ON CONFLICT (clerk_id) DO NOTHING;
  GET DIAGNOSTICS v_new = ROW_COUNT;
  WITH ended AS (
    DELETE FROM organization_memberships WHERE clerk_organization_id = p_clerk_id
    RETURNING clerk_id, clerk_organization_id, clerk_user_id
  )
  INSERT INTO organization_membership_tombstones (clerk_id, clerk_organization_id, clerk_user_id, deleted_at)
  SELECT clerk_id, clerk_organization_id, clerk_user_id, p_deleted_at FROM ended
  ON CONFLICT (clerk_id) DO NOTHING;
  IF p_mode = 'hard' THEN
    DELETE FROM organizations WHERE clerk_id = p_clerk_id;
  ELSE
    UPDATE organizations SET is_active = false, deleted_at = p_deleted_at
    WHERE clerk_id = p_clerk_id AND deleted_at IS NULL;
  END IF;
  RETURN CASE WHEN v_new = 0 THEN 'already-deleted' ELSE 'deleted' END;
END $$;
