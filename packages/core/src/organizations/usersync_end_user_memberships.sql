-- Trigger (user_tombstones_end_memberships, AFTER INSERT ON user_tombstones, FOR EACH ROW): a deleted
-- user's memberships end, whichever code path tombstones the user (the user rules hold the user's lock
-- then, which every membership write takes too).
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_end_user_memberships() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH ended AS (
    DELETE FROM organization_memberships WHERE clerk_user_id = NEW.clerk_id
    RETURNING clerk_id, clerk_organization_id, clerk_user_id
  )
  INSERT INTO organization_membership_tombstones (clerk_id, clerk_organization_id, clerk_user_id, deleted_at)
  SELECT clerk_id, clerk_organization_id, clerk_user_id, NEW.deleted_at FROM ended
  ON CONFLICT (clerk_id) DO NOTHING;
  RETURN NEW;
END $$;
