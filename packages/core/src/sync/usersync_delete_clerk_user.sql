-- Deletion of a Clerk user is terminal: a tombstone first, then the row is deactivated (soft) or
-- removed (hard). Returns whether the user was already deleted.
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_delete_clerk_user(p_clerk_id text, p_deleted_at timestamptz, p_mode text)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  inserted integer;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('usersync:user:' || p_clerk_id, 0));
  INSERT INTO user_tombstones (clerk_id, deleted_at) VALUES (p_clerk_id, p_deleted_at)
  ON CONFLICT (clerk_id) DO NOTHING;
  GET DIAGNOSTICS inserted = ROW_COUNT;
  IF p_mode = 'hard' THEN
    DELETE FROM users u WHERE u.clerk_id = p_clerk_id;
  ELSIF p_mode = 'soft' THEN
    UPDATE users u SET is_active = false, deleted_at = p_deleted_at
    WHERE u.clerk_id = p_clerk_id AND u.deleted_at IS NULL;
  ELSE
    RAISE EXCEPTION 'usersync: unknown delete mode %', p_mode;
  END IF;
  RETURN inserted = 0;
END $$;
