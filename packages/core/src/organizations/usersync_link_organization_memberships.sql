-- Trigger (organizations_link_memberships, AFTER INSERT ON organizations, FOR EACH ROW): memberships
-- stored before their organization point at it from then on.
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_link_organization_memberships() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE organization_memberships SET organization_id = NEW.id
  WHERE clerk_organization_id = NEW.clerk_id AND organization_id IS NULL;
  RETURN NEW;
END $$;
