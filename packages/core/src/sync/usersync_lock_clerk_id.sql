-- The advisory lock of one Clerk object, in the same key format as the TypeScript user lock
-- (usersync:user:<clerk id>, sync/write-clerk-user.ts), so both serialise.
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_lock_clerk_id(p_kind text, p_clerk_id text) RETURNS void LANGUAGE sql AS $$
  SELECT pg_advisory_xact_lock(hashtextextended('usersync:' || p_kind || ':' || p_clerk_id, 0))
$$;
