-- Organization upsert: newer updated_at wins, deleted ones stay deleted.
-- Outcome: created | updated | unchanged | stale | deleted.
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_write_organization(p jsonb) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  v_clerk_id text := p->>'clerk_id';
  v_updated  timestamptz := (p->>'clerk_updated_at')::timestamptz;
  v_row      organizations%ROWTYPE;
BEGIN
  PERFORM usersync_lock_clerk_id('organization', v_clerk_id);
  IF EXISTS (SELECT 1 FROM organization_tombstones WHERE clerk_id = v_clerk_id) THEN
    RETURN 'deleted';
  END IF;
  SELECT * INTO v_row FROM organizations WHERE clerk_id = v_clerk_id;
  IF FOUND THEN
    IF v_row.deleted_at IS NOT NULL THEN RETURN 'deleted'; END IF;
    IF v_row.clerk_updated_at IS NOT NULL AND v_updated <= v_row.clerk_updated_at THEN
      RETURN CASE WHEN v_updated < v_row.clerk_updated_at THEN 'stale' ELSE 'unchanged' END;
    END IF;
    UPDATE organizations SET
      name = p->>'name', slug = p->>'slug', image_url = p->>'image_url',
      public_metadata = COALESCE(p->'public_metadata', '{}'::jsonb),
      clerk_created_at = (p->>'clerk_created_at')::timestamptz, clerk_updated_at = v_updated,
      is_active = true
    WHERE id = v_row.id;
    RETURN 'updated';
  END IF;
  INSERT INTO organizations (clerk_id, name, slug, image_url, public_metadata, clerk_created_at, clerk_updated_at)
  VALUES (v_clerk_id, p->>'name', p->>'slug', p->>'image_url', COALESCE(p->'public_metadata', '{}'::jsonb),
          (p->>'clerk_created_at')::timestamptz, v_updated);
  RETURN 'created';
END $$;
