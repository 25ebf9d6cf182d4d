-- Membership upsert; p_organization is the organization the payload embeds (or null), written first
-- under its own ordering guard. Locks in the write path's one order (their keys sorted, COLLATE "C"):
-- organization, organization_membership, user.
-- Outcome: created | updated | unchanged | stale | deleted | organization-deleted | user-deleted.
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_write_organization_membership(p jsonb, p_organization jsonb) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  v_clerk_id text := p->>'clerk_id';
  v_org      text := p->>'clerk_organization_id';
  v_user     text := p->>'clerk_user_id';
  v_updated  timestamptz := (p->>'clerk_updated_at')::timestamptz;
  v_row      organization_memberships%ROWTYPE;
BEGIN
  PERFORM usersync_lock_clerk_id('organization', v_org);
  PERFORM usersync_lock_clerk_id('organization_membership', v_clerk_id);
  PERFORM usersync_lock_clerk_id('user', v_user);
  IF EXISTS (SELECT 1 FROM organization_membership_tombstones WHERE clerk_id = v_clerk_id) THEN
    RETURN 'deleted';
  END IF;
  IF p_organization IS NOT NULL AND p_organization->>'clerk_id' = v_org THEN
    PERFORM usersync_write_organization(p_organization);
  END IF;
  IF EXISTS (SELECT 1 FROM organization_tombstones WHERE clerk_id = v_org)
     OR EXISTS (SELECT 1 FROM organizations WHERE clerk_id = v_org AND deleted_at IS NOT NULL) THEN
    RETURN 'organization-deleted';
  END IF;
  IF EXISTS (SELECT 1 FROM user_tombstones WHERE clerk_id = v_user)
     OR EXISTS (SELECT 1 FROM users WHERE clerk_id = v_user AND deleted_at IS NOT NULL) THEN
    RETURN 'user-deleted';
  END IF;
  SELECT * INTO v_row FROM organization_memberships WHERE clerk_id = v_clerk_id;
  IF FOUND THEN
    IF v_row.clerk_updated_at IS NOT NULL AND v_updated <= v_row.clerk_updated_at THEN
      RETURN CASE WHEN v_updated < v_row.clerk_updated_at THEN 'stale' ELSE 'unchanged' END;
    END IF;
    UPDATE organization_memberships SET
      role = p->>'role', permissions = COALESCE(p->'permissions', '[]'::jsonb),
      public_metadata = COALESCE(p->'public_metadata', '{}'::jsonb), clerk_payload = p->'clerk_payload',
      clerk_created_at = (p->>'clerk_created_at')::timestamptz, clerk_updated_at = v_updated,
      organization_id = COALESCE(organization_id, (SELECT id FROM organizations WHERE clerk_id = v_org)),
      user_id = COALESCE(user_id, (SELECT id FROM users WHERE clerk_id = v_user))
    WHERE id = v_row.id;
    RETURN 'updated';
  END IF;
  INSERT INTO organization_memberships (clerk_id, clerk_organization_id, clerk_user_id, organization_id,
    user_id, role, permissions, public_metadata, clerk_payload, clerk_created_at, clerk_updated_at)
  VALUES (v_clerk_id, v_org, v_user,
    (SELECT id FROM organizations WHERE clerk_id = v_org), (SELECT id FROM users WHERE clerk_id = v_user),
    p->>'role', COALESCE(p->'permissions', '[]'::jsonb), COALESCE(p->'public_metadata', '{}'::jsonb),
    p->'clerk_payload', (p->>'clerk_created_at')::timestamptz, v_updated);
  RETURN 'created';
END $$;
