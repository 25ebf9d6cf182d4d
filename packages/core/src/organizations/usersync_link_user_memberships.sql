-- Trigger (users_link_memberships, AFTER INSERT ON users, FOR EACH STATEMENT over inserted_users):
-- memberships stored before their user point at it from then on.
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_link_user_memberships() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE organization_memberships m SET user_id = n.id
  FROM inserted_users n
  WHERE m.clerk_user_id = n.clerk_id AND m.user_id IS NULL;
  RETURN NULL;
END $$;
