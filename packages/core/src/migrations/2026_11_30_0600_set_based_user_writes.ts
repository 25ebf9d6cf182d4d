import { type Kysely, sql } from 'kysely';

// Frozen in time: takes Kysely<any> and imports no app code (docs/decisions/120).
//
// The upsert rule of migration 2026_11_30_0100 becomes set-based: usersync_write_clerk_users applies a
// whole page (reconcile: up to 500 Clerk users) in a handful of statements instead of a loop of per-user
// statements, and usersync_write_clerk_user (webhooks, fallback sync) is a call of it with one element,
// so the rule still exists once. Outcomes are those of applying the page's users one by one in
// (clerk_id, position) order: created | updated | reactivated | unchanged | stale | deleted.
// The per-row AFTER INSERT triggers on users (settings row, membership links) become statement-level
// triggers over the inserted rows, so a page pays one trigger call instead of 500. Organizations and
// memberships get a page function each (one statement per reconcile page, the rules unchanged).
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema types.
export async function up(db: Kysely<any>): Promise<void> {
  // Every user has settings, whoever inserts the row (was FOR EACH ROW, migration 0001).
  await sql`
    CREATE OR REPLACE FUNCTION usersync_create_user_settings() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      -- A plain insert: these users rows are new, and user_settings.user_id references users.id, so no
      -- settings row can exist for them yet. Not ON CONFLICT (a speculative insertion per row cost a page
      -- 2–4 ms) and not NOT EXISTS (its cached plan scanned user_settings: a one-user insert cost 66 µs
      -- with 600 users stored and 192 µs with 5,000).
      INSERT INTO user_settings (user_id) SELECT n.id FROM inserted_users n;
      RETURN NULL;
    END $$
  `.execute(db);
  await sql`DROP TRIGGER users_create_settings ON users`.execute(db);
  await sql`
    CREATE TRIGGER users_create_settings AFTER INSERT ON users REFERENCING NEW TABLE AS inserted_users
    FOR EACH STATEMENT EXECUTE FUNCTION usersync_create_user_settings()
  `.execute(db);
  // Memberships stored before their user point at it from then on (was FOR EACH ROW, migration 0200).
  await sql`
    CREATE OR REPLACE FUNCTION usersync_link_user_memberships() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE organization_memberships m SET user_id = n.id
      FROM inserted_users n
      WHERE m.clerk_user_id = n.clerk_id AND m.user_id IS NULL;
      RETURN NULL;
    END $$
  `.execute(db);
  await sql`DROP TRIGGER users_link_memberships ON users`.execute(db);
  await sql`
    CREATE TRIGGER users_link_memberships AFTER INSERT ON users REFERENCING NEW TABLE AS inserted_users
    FOR EACH STATEMENT EXECUTE FUNCTION usersync_link_user_memberships()
  `.execute(db);

  // The one upsert rule, for a page of users (the rule itself is unchanged from migration 0100):
  // - a tombstoned (deleted) id never comes back;
  // - an existing row changes only when the payload's updated_at is newer (equal: unchanged);
  // - a deactivated row comes back with any newer version, and with any version at all when the payload
  //   was just read from Clerk's API (p_present_in_clerk);
  // - a new row takes its role from an open invitation for its verified email (the first new user of the
  //   page holding that address claims it), else p_default_role;
  // - app-owned columns (role, app_metadata, settings) are never written from Clerk data.
  // Plans: every read of users is an index probe per user (LATERAL … LIMIT 1), and arrays are passed as
  // (SELECT v_items) so the planner estimates a page the same whatever its length: the cached generic
  // plan serves both a one-user webhook and a 500-user page without re-planning each call.
  await sql`
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
                 r.clerk_created_at, r.clerk_updated_at, r.email_lower)::usersync_clerk_user),
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
            clerk_created_at, clerk_updated_at, email_lower, n)
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
          clerk_updated_at, email_lower, n)
        -- One index probe per user, whatever the planner thinks of the table's size (LIMIT keeps it a probe).
        LEFT JOIN LATERAL (SELECT * FROM users x WHERE x.clerk_id = i.clerk_id LIMIT 1) u ON true;

        IF 'created' = ANY (v_outcomes) THEN
          WITH new_users AS (
            SELECT i.*, v_ords[i.n] AS ord, gen_random_uuid() AS new_id
            FROM unnest((SELECT v_items)) WITH ORDINALITY AS i(clerk_id, email, email_verified, first_name, last_name,
              username, image_url, phone_number, phone_verified, public_metadata, last_sign_in_at, clerk_created_at,
              clerk_updated_at, email_lower, n)
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
              phone_verified, public_metadata, last_sign_in_at, clerk_created_at, clerk_updated_at, role, app_metadata
            )
          SELECT n.new_id, n.clerk_id, n.email, n.email_verified, n.first_name, n.last_name, n.username,
              n.image_url, n.phone_number, n.phone_verified, n.public_metadata, n.last_sign_in_at,
              n.clerk_created_at, n.clerk_updated_at, coalesce(c.role, p_default_role), coalesce(c.data, '{}'::jsonb)
            FROM new_users n LEFT JOIN claimed c ON c.new_id = n.new_id;
        END IF;

        -- Clerk sent a newer version, so the user exists there: a reconcile deactivation is undone too.
        IF 'updated' = ANY (v_outcomes) THEN
          UPDATE users w SET
              email = i.email, email_verified = i.email_verified, first_name = i.first_name,
              last_name = i.last_name, username = i.username, image_url = i.image_url,
              phone_number = i.phone_number, phone_verified = i.phone_verified,
              public_metadata = i.public_metadata, last_sign_in_at = i.last_sign_in_at,
              clerk_created_at = i.clerk_created_at, clerk_updated_at = i.clerk_updated_at, is_active = true
            FROM unnest((SELECT v_items)) WITH ORDINALITY AS i(clerk_id, email, email_verified, first_name, last_name,
              username, image_url, phone_number, phone_verified, public_metadata, last_sign_in_at, clerk_created_at,
              clerk_updated_at, email_lower, n)
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
    END $$
  `.execute(db);

  // Webhooks and the fallback sync: the same rule with one user (signature and outcomes unchanged).
  await sql`
    CREATE OR REPLACE FUNCTION usersync_write_clerk_user(
      f usersync_clerk_user, p_default_role text, p_present_in_clerk boolean,
      OUT outcome text, OUT written users
    ) LANGUAGE plpgsql AS $$
    DECLARE
      result record;
    BEGIN
      SELECT * INTO result
      FROM usersync_write_clerk_users(jsonb_build_array(to_jsonb(f)), p_default_role, p_present_in_clerk);
      outcome := result.outcome;
      written := result.written;
    END $$
  `.execute(db);

  // Organizations reconcile, a page per statement: every lock of the page first, in the write path's one
  // order (keys sorted, COLLATE "C"), then the one rule per object (usersync_write_organization*, migration
  // 0200) in clerk_id order; it takes those locks again (re-entrant).
  await sql`
    CREATE FUNCTION usersync_write_organizations(p_organizations jsonb)
    RETURNS TABLE (ordinal integer, outcome text) LANGUAGE plpgsql AS $$
    DECLARE
      item record;
    BEGIN
      PERFORM count(pg_advisory_xact_lock(hashtextextended(k.key, 0)))
      FROM (
        SELECT DISTINCT ('usersync:organization:' || (e.value->>'clerk_id')) COLLATE "C" AS key
        FROM jsonb_array_elements(p_organizations) AS e(value)
        ORDER BY 1
      ) k;
      FOR item IN
        SELECT e.ord::integer AS ord, e.value
        FROM jsonb_array_elements(p_organizations) WITH ORDINALITY AS e(value, ord)
        ORDER BY e.value->>'clerk_id' COLLATE "C", e.ord
      LOOP
        ordinal := item.ord;
        outcome := usersync_write_organization(item.value);
        RETURN NEXT;
      END LOOP;
    END $$
  `.execute(db);
  // Each membership with the organization it embeds (its "organization" field), as one by one.
  await sql`
    CREATE FUNCTION usersync_write_organization_memberships(p_memberships jsonb)
    RETURNS TABLE (ordinal integer, outcome text) LANGUAGE plpgsql AS $$
    DECLARE
      item record;
    BEGIN
      PERFORM count(pg_advisory_xact_lock(hashtextextended(k.key, 0)))
      FROM (
        SELECT DISTINCT x.key COLLATE "C" AS key
        FROM jsonb_array_elements(p_memberships) AS e(value),
          LATERAL (VALUES
            ('usersync:organization:' || (e.value->>'clerk_organization_id')),
            ('usersync:organization_membership:' || (e.value->>'clerk_id')),
            ('usersync:user:' || (e.value->>'clerk_user_id'))
          ) AS x(key)
        ORDER BY 1
      ) k;
      FOR item IN
        SELECT e.ord::integer AS ord, e.value
        FROM jsonb_array_elements(p_memberships) WITH ORDINALITY AS e(value, ord)
        ORDER BY e.value->>'clerk_id' COLLATE "C", e.ord
      LOOP
        ordinal := item.ord;
        outcome := usersync_write_organization_membership(item.value, item.value->'organization');
        RETURN NEXT;
      END LOOP;
    END $$
  `.execute(db);
}

// Restores the definitions of migrations 0001, 0100 and 0200 (and drops the page functions).
// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS usersync_write_organization_memberships(jsonb)`.execute(db);
  await sql`DROP FUNCTION IF EXISTS usersync_write_organizations(jsonb)`.execute(db);
  await sql`
    CREATE OR REPLACE FUNCTION usersync_write_clerk_user(
      f usersync_clerk_user, p_default_role text, p_present_in_clerk boolean,
      OUT outcome text, OUT written users
    ) LANGUAGE plpgsql AS $$
    DECLARE
      existing users;
      invitation_id uuid;
      invitation_role text;
      invitation_data jsonb;
    BEGIN
      PERFORM pg_advisory_xact_lock(hashtextextended('usersync:user:' || f.clerk_id, 0));
      SELECT * INTO existing FROM users u WHERE u.clerk_id = f.clerk_id;
      IF existing.deleted_at IS NOT NULL
         OR EXISTS (SELECT 1 FROM user_tombstones t WHERE t.clerk_id = f.clerk_id) THEN
        outcome := 'deleted';
        written := existing;
        RETURN;
      END IF;

      IF existing.id IS NOT NULL THEN
        IF existing.clerk_updated_at IS NOT NULL AND f.clerk_updated_at <= existing.clerk_updated_at THEN
          IF NOT existing.is_active AND p_present_in_clerk THEN
            UPDATE users u SET is_active = true WHERE u.id = existing.id RETURNING * INTO written;
            outcome := 'reactivated';
            RETURN;
          END IF;
          outcome := CASE WHEN f.clerk_updated_at < existing.clerk_updated_at THEN 'stale' ELSE 'unchanged' END;
          written := existing;
          RETURN;
        END IF;
        -- Clerk sent a newer version, so the user exists there: undo a reconcile deactivation.
        UPDATE users u SET
          email = f.email, email_verified = f.email_verified, first_name = f.first_name,
          last_name = f.last_name, username = f.username, image_url = f.image_url,
          phone_number = f.phone_number, phone_verified = f.phone_verified,
          public_metadata = f.public_metadata, last_sign_in_at = f.last_sign_in_at,
          clerk_created_at = f.clerk_created_at, clerk_updated_at = f.clerk_updated_at, is_active = true
        WHERE u.id = existing.id
        RETURNING * INTO written;
        outcome := 'updated';
        RETURN;
      END IF;

      IF f.email_verified AND f.email_lower IS NOT NULL THEN
        UPDATE invitations i SET claimed_at = now()
        WHERE i.email = f.email_lower AND i.claimed_at IS NULL
        RETURNING i.id, i.role, i.data INTO invitation_id, invitation_role, invitation_data;
      END IF;
      INSERT INTO users (
        clerk_id, email, email_verified, first_name, last_name, username, image_url, phone_number,
        phone_verified, public_metadata, last_sign_in_at, clerk_created_at, clerk_updated_at, role, app_metadata
      ) VALUES (
        f.clerk_id, f.email, f.email_verified, f.first_name, f.last_name, f.username, f.image_url,
        f.phone_number, f.phone_verified, f.public_metadata, f.last_sign_in_at, f.clerk_created_at,
        f.clerk_updated_at, coalesce(invitation_role, p_default_role), coalesce(invitation_data, '{}'::jsonb)
      )
      RETURNING * INTO written;
      IF invitation_id IS NOT NULL THEN
        UPDATE invitations i SET claimed_by_user_id = written.id WHERE i.id = invitation_id;
      END IF;
      outcome := 'created';
    END $$
  `.execute(db);
  await sql`
    CREATE OR REPLACE FUNCTION usersync_write_clerk_users(
      p_users jsonb, p_default_role text, p_present_in_clerk boolean
    ) RETURNS TABLE (ordinal integer, outcome text, written users) LANGUAGE plpgsql AS $$
    DECLARE
      item record;
      result record;
    BEGIN
      FOR item IN
        SELECT e.ord::integer AS ord, jsonb_populate_record(NULL::usersync_clerk_user, e.value) AS f
        FROM jsonb_array_elements(p_users) WITH ORDINALITY AS e(value, ord)
        ORDER BY e.value->>'clerk_id' COLLATE "C"
      LOOP
        SELECT * INTO result FROM usersync_write_clerk_user(item.f, p_default_role, p_present_in_clerk);
        ordinal := item.ord;
        outcome := result.outcome;
        written := result.written;
        RETURN NEXT;
      END LOOP;
    END $$
  `.execute(db);
  await sql`DROP TRIGGER users_link_memberships ON users`.execute(db);
  await sql`
    CREATE OR REPLACE FUNCTION usersync_link_user_memberships() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE organization_memberships SET user_id = NEW.id
      WHERE clerk_user_id = NEW.clerk_id AND user_id IS NULL;
      RETURN NEW;
    END $$
  `.execute(db);
  await sql`
    CREATE TRIGGER users_link_memberships AFTER INSERT ON users
    FOR EACH ROW EXECUTE FUNCTION usersync_link_user_memberships()
  `.execute(db);
  await sql`DROP TRIGGER users_create_settings ON users`.execute(db);
  await sql`
    CREATE OR REPLACE FUNCTION usersync_create_user_settings() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO user_settings (user_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
      RETURN NEW;
    END $$;
  `.execute(db);
  await sql`
    CREATE TRIGGER users_create_settings AFTER INSERT ON users
    FOR EACH ROW EXECUTE FUNCTION usersync_create_user_settings()
  `.execute(db);
}
