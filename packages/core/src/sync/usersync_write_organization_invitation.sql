-- Organization invitation upsert: newer updated_at wins; at the same instant a final status
-- (accepted, revoked) beats pending. Outcome: created | updated | unchanged | stale.
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_write_organization_invitation(p jsonb) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  v_clerk_id text := p->>'clerk_id';
  v_updated  timestamptz := (p->>'clerk_updated_at')::timestamptz;
  v_row      organization_invitations%ROWTYPE;
BEGIN
  PERFORM usersync_lock_clerk_id('organization_invitation', v_clerk_id);
  SELECT * INTO v_row FROM organization_invitations WHERE clerk_id = v_clerk_id;
  IF FOUND THEN
    IF v_row.clerk_updated_at IS NOT NULL AND (v_updated < v_row.clerk_updated_at
       OR (v_updated = v_row.clerk_updated_at AND NOT (v_row.status = 'pending' AND p->>'status' <> 'pending'))) THEN
      RETURN CASE WHEN v_updated < v_row.clerk_updated_at THEN 'stale' ELSE 'unchanged' END;
    END IF;
    UPDATE organization_invitations SET
      clerk_organization_id = p->>'clerk_organization_id', email = p->>'email', role = p->>'role',
      status = p->>'status', clerk_created_at = (p->>'clerk_created_at')::timestamptz,
      clerk_updated_at = v_updated
    WHERE id = v_row.id;
    RETURN 'updated';
  END IF;
  INSERT INTO organization_invitations (clerk_id, clerk_organization_id, email, role, status, clerk_created_at,
    clerk_updated_at)
  VALUES (v_clerk_id, p->>'clerk_organization_id', p->>'email', p->>'role', p->>'status',
    (p->>'clerk_created_at')::timestamptz, v_updated);
  RETURN 'created';
END $$;
