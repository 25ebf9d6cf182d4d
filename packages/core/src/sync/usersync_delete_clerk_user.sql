-- Deletion of a Clerk user is terminal: a tombstone first; the person leaves every stored delivery
-- payload, whatever the mode (usersync_forget_person_in_deliveries); then the row is deactivated (soft),
-- removed (hard) or anonymized (anonymize: usersync_anonymize_user). Returns whether the user was
-- already deleted.
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_delete_clerk_user(p_clerk_id text, p_deleted_at timestamptz, p_mode text)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  inserted integer;
  v_email text;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('usersync:user:' || p_clerk_id, 0));
  IF p_mode NOT IN ('soft', 'hard', 'anonymize') THEN
    RAISE EXCEPTION 'usersync: unknown delete mode %', p_mode;
  END IF;
  INSERT INTO user_tombstones (clerk_id, deleted_at) VALUES (p_clerk_id, p_deleted_at)
  ON CONFLICT (clerk_id) DO NOTHING;
  GET DIAGNOSTICS inserted = ROW_COUNT;
  SELECT u.email INTO v_email FROM users u WHERE u.clerk_id = p_clerk_id;
  PERFORM usersync_forget_person_in_deliveries(p_clerk_id, v_email);
  IF p_mode = 'hard' THEN
    DELETE FROM users u WHERE u.clerk_id = p_clerk_id;
  ELSIF p_mode = 'soft' THEN
    UPDATE users u SET is_active = false, deleted_at = p_deleted_at
    WHERE u.clerk_id = p_clerk_id AND u.deleted_at IS NULL;
  ELSE
    PERFORM usersync_anonymize_user(p_clerk_id, p_deleted_at);
  END IF;
  RETURN inserted = 0;
END $$;
