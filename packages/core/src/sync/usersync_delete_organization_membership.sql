-- A membership that ends leaves no row, only a tombstone. Outcome: deleted | already-deleted.
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_delete_organization_membership(
  p_clerk_id text, p_clerk_organization_id text, p_clerk_user_id text, p_deleted_at timestamptz)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  v_new integer;
BEGIN
  IF p_clerk_organization_id IS NOT NULL THEN PERFORM usersync_lock_clerk_id('organization', p_clerk_organization_id); END IF;
  PERFORM usersync_lock_clerk_id('organization_membership', p_clerk_id);
  IF p_clerk_user_id IS NOT NULL THEN PERFORM usersync_lock_clerk_id('user', p_clerk_user_id); END IF;
  INSERT INTO organization_membership_tombstones (clerk_id, clerk_organization_id, clerk_user_id, deleted_at)
  VALUES (p_clerk_id, p_clerk_organization_id, p_clerk_user_id, p_deleted_at)
  ON CONFLICT (clerk_id) DO NOTHING;
  GET DIAGNOSTICS v_new = ROW_COUNT;
  DELETE FROM organization_memberships WHERE clerk_id = p_clerk_id;
  RETURN CASE WHEN v_new = 0 THEN 'already-deleted' ELSE 'deleted' END;
END $$;
