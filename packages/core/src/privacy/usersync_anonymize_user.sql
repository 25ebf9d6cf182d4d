-- DELETE_MODE=anonymize and `usersync users erase` (decision 181, docs/privacy.md): the users row stays
-- (its id keeps foreign keys valid), inactive, every personal field cleared; settings reset; their
-- usersync invitations and the organization invitations to their address deleted; their public data
-- removed from membership payloads; their email removed from audit entries they made. The Clerk id
-- stays: the tombstone needs it. Called by usersync_delete_clerk_user.
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_anonymize_user(p_clerk_id text, p_deleted_at timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  v_user users;
BEGIN
  SELECT * INTO v_user FROM users u WHERE u.clerk_id = p_clerk_id;
  IF v_user.id IS NOT NULL THEN
    UPDATE users u SET
      email = NULL, email_verified = false, first_name = NULL, last_name = NULL, username = NULL,
      image_url = NULL, phone_number = NULL, phone_verified = false, public_metadata = '{}'::jsonb,
      app_metadata = '{}'::jsonb, last_sign_in_at = NULL, banned = false, locked = false,
      is_active = false, deleted_at = coalesce(u.deleted_at, p_deleted_at)
    WHERE u.id = v_user.id;
    UPDATE user_settings s SET theme = 'system', preferences = '{}'::jsonb WHERE s.user_id = v_user.id;
    DELETE FROM invitations i
    WHERE i.claimed_by_user_id = v_user.id OR (v_user.email IS NOT NULL AND i.email = lower(v_user.email));
    DELETE FROM organization_invitations i
    WHERE v_user.email IS NOT NULL AND lower(i.email) = lower(v_user.email);
  END IF;
  UPDATE organization_memberships m
  SET clerk_payload = m.clerk_payload - 'public_user_data', public_metadata = '{}'::jsonb
  WHERE m.clerk_user_id = p_clerk_id;
  UPDATE audit_log a SET actor_email = NULL WHERE a.actor = p_clerk_id AND a.actor_email IS NOT NULL;
END $$;
