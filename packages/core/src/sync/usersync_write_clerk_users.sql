-- The one upsert rule of Clerk users, for a page (reconcile: up to 500 users; webhooks and the
-- fallback sync: one, through usersync_write_clerk_user). Called by sync/write-clerk-user.ts.
-- - a tombstoned (deleted) id never comes back;
-- - an existing row changes only when the payload's updated_at is newer (equal: unchanged);
-- - a deactivated row comes back with any newer version, and with any version at all when the payload
--   was just read from Clerk's API (p_present_in_clerk);
-- - a new row takes its role from an open invitation for its verified email (the first new user of the
--   page holding that address claims it), else p_default_role;
-- - app-owned columns (role, app_metadata, settings) are never written from Clerk data;
-- - banned and locked (decision 180): an absent flag is false.
-- Outcomes are those of applying the page's users one by one in (clerk_id, position) order:
-- created | updated | reactivated | unchanged | stale | deleted.
-- p_users: a JSON array of usersync_clerk_user records (the type's one definition: migration
-- 2026_11_30_0100; a new users column = a migration altering the type + this file).
-- Plans: every read of users is an index probe per user (LATERAL … LIMIT 1), and arrays are passed as
-- (SELECT v_items) so the planner estimates a page the same whatever its length: the cached generic
-- plan serves both a one-user webhook and a 500-user page without re-planning each call.
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_write_clerk_users(
  p_users jsonb, p_default_role text, p_present_in_clerk boolean
) RETURNS TABLE (ordinal integer, outcome text, written users) LANGUAGE plpgsql AS $$
DECLARE
  -- The page in processing order (clerk_id, then position in p_users), and each item's round.
  v_items usersync_clerk_user[];
  v_ords integer[];
  v_rounds integer[];
  v_ids text[];
  -- This round's outcome per item (NULL: another round).
  v_outcomes text[];
  v_round integer := 0;
  v_locked bigint;
BEGIN
  -- One statement reads the page and takes every user's lock, in clerk_id order (two callers cannot
  -- deadlock); each statement after it sees what other writers of these users committed meanwhile.
  SELECT array_agg(ROW(r.clerk_id, r.email, r.email_verified, r.first_name, r.last_name, r.username,
             r.image_url, r.phone_number, r.phone_verified, r.public_metadata, r.last_sign_in_at,
             r.clerk_created_at, r.clerk_updated_at, r.email_lower, r.banned, r.locked)::usersync_clerk_user),
         array_agg(r.ordinality::integer),
         array_agg(DISTINCT r.clerk_id COLLATE "C"),
         count(pg_advisory_xact_lock(hashtextextended('usersync:user:' || r.clerk_id, 0)))
  INTO v_items, v_ords, v_ids, v_locked
  FROM (
    SELECT * FROM jsonb_populate_recordset(NULL::usersync_clerk_user, p_users) WITH ORDINALITY
    ORDER BY clerk_id COLLATE "C", ordinality
  ) r;
  IF v_items IS NULL THEN
    RETURN;
  END IF;
  -- A Clerk id listed more than once is applied in rounds, as one by one would: round n holds each
  -- id's n-th occurrence.
  IF cardinality(v_ids) < cardinality(v_items) THEN
    SELECT array_agg(r.round ORDER BY r.n) INTO v_rounds
    FROM (
      SELECT i.n, row_number() OVER (PARTITION BY i.clerk_id ORDER BY i.n)::integer AS round
      FROM unnest(v_items) WITH ORDINALITY AS i(clerk_id, email, email_verified, first_name, last_name,
        username, image_url, phone_number, phone_verified, public_metadata, last_sign_in_at,
        clerk_created_at, clerk_updated_at, email_lower, banned, locked, n)
    ) r;
  ELSE
    v_rounds := array_fill(1, ARRAY[cardinality(v_items)]);
  END IF;
  LOOP
    v_round := v_round + 1;
    EXIT WHEN NOT v_round = ANY (v_rounds);
    SELECT array_agg(
      CASE WHEN v_rounds[i.n] <> v_round THEN NULL
        WHEN u.deleted_at IS NOT NULL
          OR EXISTS (SELECT 1 FROM user_tombstones t WHERE t.clerk_id = i.clerk_id) THEN 'deleted'
        WHEN u.id IS NULL THEN 'created'
        WHEN u.clerk_updated_at IS NOT NULL AND i.clerk_updated_at <= u.clerk_updated_at THEN
          CASE
            WHEN NOT u.is_active AND p_present_in_clerk THEN 'reactivated'
            WHEN i.clerk_updated_at < u.clerk_updated_at THEN 'stale'
            ELSE 'unchanged'
          END
        ELSE 'updated'
      END ORDER BY i.n)
    INTO v_outcomes
    FROM unnest((SELECT v_items)) WITH ORDINALITY AS i(clerk_id, email, email_verified, first_name, last_name, username,
      image_url, phone_number, phone_verified, public_metadata, last_sign_in_at, clerk_created_at,
      clerk_updated_at, email_lower, banned, locked, n)
    -- One index probe per user, whatever the planner thinks of the table's size (LIMIT keeps it a probe).
    LEFT JOIN LATERAL (SELECT * FROM users x WHERE x.clerk_id = i.clerk_id LIMIT 1) u ON true;

    IF 'created' = ANY (v_outcomes) THEN
      WITH new_users AS (
        SELECT i.*, v_ords[i.n] AS ord, gen_random_uuid() AS new_id
        FROM unnest((SELECT v_items)) WITH ORDINALITY AS i(clerk_id, email, email_verified, first_name, last_name,
          username, image_url, phone_number, phone_verified, public_metadata, last_sign_in_at, clerk_created_at,
          clerk_updated_at, email_lower, banned, locked, n)
        WHERE v_outcomes[i.n] = 'created'
      ),
      -- An open invitation for a verified address goes to the first new user (in processing order) with it.
      claimed AS (
        UPDATE invitations inv SET claimed_at = now(), claimed_by_user_id = c.new_id
        FROM (
          SELECT DISTINCT ON (n.email_lower) n.email_lower, n.new_id
          FROM new_users n WHERE n.email_verified AND n.email_lower IS NOT NULL
          ORDER BY n.email_lower, n.n
        ) c
        WHERE inv.email = c.email_lower AND inv.claimed_at IS NULL
        RETURNING c.new_id, inv.role, inv.data
      )
      INSERT INTO users (
          id, clerk_id, email, email_verified, first_name, last_name, username, image_url, phone_number,
          phone_verified, public_metadata, last_sign_in_at, clerk_created_at, clerk_updated_at, role, app_metadata,
          banned, locked
        )
      SELECT n.new_id, n.clerk_id, n.email, n.email_verified, n.first_name, n.last_name, n.username,
          n.image_url, n.phone_number, n.phone_verified, n.public_metadata, n.last_sign_in_at,
          n.clerk_created_at, n.clerk_updated_at, coalesce(c.role, p_default_role), coalesce(c.data, '{}'::jsonb),
          coalesce(n.banned, false), coalesce(n.locked, false)
        FROM new_users n LEFT JOIN claimed c ON c.new_id = n.new_id;
    END IF;

    -- Clerk sent a newer version, so the user exists there: a reconcile deactivation is undone too.
    IF 'updated' = ANY (v_outcomes) THEN
      UPDATE users w SET
          email = i.email, email_verified = i.email_verified, first_name = i.first_name,
          last_name = i.last_name, username = i.username, image_url = i.image_url,
          phone_number = i.phone_number, phone_verified = i.phone_verified,
          public_metadata = i.public_metadata, last_sign_in_at = i.last_sign_in_at,
          clerk_created_at = i.clerk_created_at, clerk_updated_at = i.clerk_updated_at, is_active = true,
          banned = coalesce(i.banned, false), locked = coalesce(i.locked, false)
        FROM unnest((SELECT v_items)) WITH ORDINALITY AS i(clerk_id, email, email_verified, first_name, last_name,
          username, image_url, phone_number, phone_verified, public_metadata, last_sign_in_at, clerk_created_at,
          clerk_updated_at, email_lower, banned, locked, n)
        WHERE v_outcomes[i.n] = 'updated' AND w.clerk_id = i.clerk_id;
    END IF;

    IF 'reactivated' = ANY (v_outcomes) THEN
      UPDATE users w SET is_active = true
        FROM unnest((SELECT v_items)) WITH ORDINALITY AS i
        WHERE v_outcomes[i.ordinality] = 'reactivated' AND w.clerk_id = i.clerk_id;
    END IF;

    -- Each user as stored now (our writes included; a hard-deleted user has no row).
    RETURN QUERY
      SELECT v_ords[i.ordinality], v_outcomes[i.ordinality], u.existing
      FROM unnest((SELECT v_items)) WITH ORDINALITY AS i
      LEFT JOIN LATERAL (SELECT x AS existing FROM users x WHERE x.clerk_id = i.clerk_id LIMIT 1) u ON true
      WHERE v_outcomes[i.ordinality] IS NOT NULL;
  END LOOP;
END $$;
