-- A lone user.created / user.updated delivery (nothing else in flight), applied by one call with typed
-- parameters instead of the group function (usersync_apply_clerk_deliveries.sql), which costs ≈ 1 ms of
-- PostgreSQL for one delivery: PL/pgSQL start-ups for ≈ 20 statements and jsonb unpacking of the group
-- (docs/decisions/162). The rule is the same, in three statements:
--   1. the user's advisory lock (usersync:user:<clerk_id>, the key every writer of the user takes);
--   2. one statement, reading after the lock (a fresh snapshot): svix-id already processed → answered
--      duplicate, nothing written; else the outcome of usersync_write_clerk_users.sql for one webhook user
--      (deleted | created | updated | unchanged | stale: tombstones, the ordering guard on Clerk's
--      updated_at, app-owned columns untouched), the invitation claim and insert of a new user (its
--      settings row comes from the users trigger), or the update of a newer version;
--   3. the record, through usersync_record_delivery_outcome.sql (webhook_events' one writer; typed, one
--      row: building and unpacking the group form's jsonb cost a lone delivery ≈ 0.15 ms).
-- Raises on anything unexpected: the caller then applies the delivery through the group function, which
-- isolates the failure and records it.
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_apply_lone_user_upsert(
  p_svix_id text, p_source text, p_type text, p_clerk_user_id text, p_payload jsonb, p_default_role text,
  p_clerk_id text, p_email text, p_email_verified boolean, p_first_name text, p_last_name text,
  p_username text, p_image_url text, p_phone_number text, p_phone_verified boolean, p_public_metadata jsonb,
  p_last_sign_in_at timestamptz, p_clerk_created_at timestamptz, p_clerk_updated_at timestamptz,
  p_email_lower text, p_banned boolean, p_locked boolean,
  OUT status text, OUT reason text, OUT user_id uuid
) LANGUAGE plpgsql AS $$
DECLARE
  v_outcome text;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('usersync:user:' || p_clerk_id, 0));

  WITH decision AS MATERIALIZED (
    SELECT CASE
        WHEN p.status IS NOT NULL AND p.status NOT IN ('invalid', 'failed') THEN 'answered'
        WHEN e.deleted_at IS NOT NULL
          OR EXISTS (SELECT 1 FROM user_tombstones t WHERE t.clerk_id = p_clerk_id) THEN 'deleted'
        WHEN e.id IS NULL THEN 'created'
        WHEN e.clerk_updated_at IS NOT NULL AND p_clerk_updated_at <= e.clerk_updated_at THEN
          CASE WHEN p_clerk_updated_at < e.clerk_updated_at THEN 'stale' ELSE 'unchanged' END
        ELSE 'updated'
      END AS outcome,
      e.id AS existing_id,
      gen_random_uuid() AS new_id
    FROM (SELECT 1) one
    -- Index probes whatever the planner thinks of the tables' sizes (LIMIT keeps each a probe).
    LEFT JOIN LATERAL (SELECT w.status FROM webhook_events w WHERE w.svix_id = p_svix_id LIMIT 1) p ON true
    LEFT JOIN LATERAL (
      SELECT u.id, u.deleted_at, u.clerk_updated_at FROM users u WHERE u.clerk_id = p_clerk_id LIMIT 1
    ) e ON true
  ),
  -- An open invitation for a verified address goes to the new user.
  claimed AS (
    UPDATE invitations inv SET claimed_at = now(), claimed_by_user_id = d.new_id
    FROM decision d
    WHERE d.outcome = 'created' AND p_email_verified AND inv.email = p_email_lower AND inv.claimed_at IS NULL
    RETURNING inv.role, inv.data
  ),
  inserted AS (
    INSERT INTO users (
      id, clerk_id, email, email_verified, first_name, last_name, username, image_url, phone_number,
      phone_verified, public_metadata, last_sign_in_at, clerk_created_at, clerk_updated_at, role, app_metadata,
      banned, locked
    )
    SELECT d.new_id, p_clerk_id, p_email, p_email_verified, p_first_name, p_last_name, p_username,
      p_image_url, p_phone_number, p_phone_verified, p_public_metadata, p_last_sign_in_at,
      p_clerk_created_at, p_clerk_updated_at,
      coalesce((SELECT c.role FROM claimed c), p_default_role), coalesce((SELECT c.data FROM claimed c), '{}'::jsonb),
      coalesce(p_banned, false), coalesce(p_locked, false)
    FROM decision d WHERE d.outcome = 'created'
    RETURNING id
  ),
  -- Clerk sent a newer version, so the user exists there: a reconcile deactivation is undone too.
  updated AS (
    UPDATE users w SET
      email = p_email, email_verified = p_email_verified, first_name = p_first_name, last_name = p_last_name,
      username = p_username, image_url = p_image_url, phone_number = p_phone_number,
      phone_verified = p_phone_verified, public_metadata = p_public_metadata, last_sign_in_at = p_last_sign_in_at,
      clerk_created_at = p_clerk_created_at, clerk_updated_at = p_clerk_updated_at, is_active = true,
      banned = coalesce(p_banned, false), locked = coalesce(p_locked, false)
    FROM decision d
    WHERE d.outcome = 'updated' AND w.id = d.existing_id
  )
  SELECT d.outcome, coalesce((SELECT i.id FROM inserted i), d.existing_id)
  INTO v_outcome, user_id
  FROM decision d;

  IF v_outcome = 'answered' THEN
    status := 'duplicate';
    reason := 'delivery already processed';
    user_id := NULL;
    RETURN;
  END IF;
  SELECT s.status, s.reason INTO status, reason FROM usersync_user_upsert_status(v_outcome) s;
  -- Under the lock nothing else records this svix-id's delivery of this user; a mismatch is a bug: raise.
  IF usersync_record_delivery_outcome(
       p_svix_id, p_source, p_type, p_clerk_user_id, p_payload, status, reason) <> 1 THEN
    RAISE EXCEPTION USING ERRCODE = 'UU001', MESSAGE = 'delivery already processed';
  END IF;
END $$;
