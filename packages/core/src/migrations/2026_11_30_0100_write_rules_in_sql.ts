import { type Kysely, sql } from 'kysely';

// The write rules move into the database (docs/decisions/070): a webhook delivery, a fallback sync and a
// reconcile page each become one statement. TypeScript still parses, validates and maps; these functions
// get mapped fields as jsonb and apply the rule under the per-user advisory lock.
// Frozen in time like every migration: a later change to a rule is a new migration that replaces the
// function (CREATE OR REPLACE), never an edit here.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema types.
export async function up(db: Kysely<any>): Promise<void> {
  // The Clerk-owned columns of a users row, as mapClerkUser produces them, plus the address that may
  // claim an invitation (lower-cased in TypeScript, as invitations are stored).
  await sql`
    CREATE TYPE usersync_clerk_user AS (
      clerk_id         text,
      email            text,
      email_verified   boolean,
      first_name       text,
      last_name        text,
      username         text,
      image_url        text,
      phone_number     text,
      phone_verified   boolean,
      public_metadata  jsonb,
      last_sign_in_at  timestamptz,
      clerk_created_at timestamptz,
      clerk_updated_at timestamptz,
      email_lower      text
    )
  `.execute(db);

  // The one upsert rule (was writeClerkUser in TypeScript):
  // - a tombstoned (deleted) id never comes back;
  // - an existing row changes only when the payload's updated_at is newer (equal: unchanged);
  // - a deactivated row comes back with any newer version, and with any version at all when the payload
  //   was just read from Clerk's API (p_present_in_clerk);
  // - a new row takes its role from an open invitation for its verified email, else p_default_role;
  // - app-owned columns (role, app_metadata, settings) are never written from Clerk data.
  // Takes the user's advisory lock itself (re-entrant when the caller already holds it).
  await sql`
    CREATE FUNCTION usersync_write_clerk_user(
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

  // Fallback sync and reconcile: many users in one statement, locks taken in clerk_id order so two
  // callers cannot deadlock. One transaction: an error writes nothing of the page.
  await sql`
    CREATE FUNCTION usersync_write_clerk_users(p_users jsonb, p_default_role text, p_present_in_clerk boolean)
    RETURNS TABLE (ordinal integer, outcome text, written users) LANGUAGE plpgsql AS $$
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

  // Deletion is terminal: a tombstone first, then the row is deactivated (soft) or removed (hard).
  // Returns whether the user was already deleted.
  await sql`
    CREATE FUNCTION usersync_delete_clerk_user(p_clerk_id text, p_deleted_at timestamptz, p_mode text)
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
    END $$
  `.execute(db);

  // One handler per event kind: (data jsonb, options jsonb) -> (status, reason, user_id).
  await sql`
    CREATE FUNCTION usersync_apply_clerk_user_upsert(
      p_data jsonb, p_options jsonb, OUT status text, OUT reason text, OUT user_id uuid
    ) LANGUAGE plpgsql AS $$
    DECLARE
      result record;
    BEGIN
      SELECT * INTO result FROM usersync_write_clerk_user(
        jsonb_populate_record(NULL::usersync_clerk_user, p_data), p_options->>'default_role', false);
      user_id := (result.written).id;
      CASE result.outcome
        WHEN 'created', 'updated' THEN status := 'applied';
        WHEN 'unchanged' THEN status := 'duplicate'; reason := 'this version of the user is already stored';
        WHEN 'stale' THEN status := 'stale'; reason := 'a newer version of the user is already stored';
        WHEN 'deleted' THEN status := 'stale'; reason := 'the user was deleted; deletion is final';
      END CASE; -- no ELSE: an unexpected outcome raises CASE_NOT_FOUND instead of passing silently
    END $$
  `.execute(db);

  await sql`
    CREATE FUNCTION usersync_apply_clerk_user_delete(
      p_data jsonb, p_options jsonb, OUT status text, OUT reason text, OUT user_id uuid
    ) LANGUAGE plpgsql AS $$
    BEGIN
      IF usersync_delete_clerk_user(
        p_data->>'clerk_id', (p_data->>'deleted_at')::timestamptz, p_options->>'delete_mode'
      ) THEN
        status := 'duplicate';
        reason := 'the user was already deleted';
      ELSE
        status := 'applied';
      END IF;
    END $$
  `.execute(db);

  // The dispatch table of the write path. Adding an event kind = a handler function above + one WHEN
  // here, in a new migration that replaces this function (docs/decisions/070).
  await sql`
    CREATE FUNCTION usersync_apply_clerk_event(
      p_kind text, p_data jsonb, p_options jsonb, OUT status text, OUT reason text, OUT user_id uuid
    ) LANGUAGE plpgsql AS $$
    BEGIN
      CASE p_kind
        WHEN 'user.upsert' THEN
          SELECT * INTO status, reason, user_id FROM usersync_apply_clerk_user_upsert(p_data, p_options);
        WHEN 'user.delete' THEN
          SELECT * INTO status, reason, user_id FROM usersync_apply_clerk_user_delete(p_data, p_options);
        ELSE
          RAISE EXCEPTION 'usersync: no handler for event kind %', p_kind;
      END CASE;
    END $$
  `.execute(db);

  // Applies verified deliveries, one or many, in one statement. Each element:
  //   { svix_id, source, type, clerk_user_id, payload, lock_key, kind, data, status, reason }
  // kind null: the outcome (status/reason: invalid or ignored) was decided in TypeScript, only recorded.
  // Per delivery, in its own subtransaction: the lock (lock_key), the svix-id check (a row left invalid
  // or failed is applied again; anything else is a duplicate), the handler, and one insert recording the
  // delivery with its outcome.
  // A delivery that raises is undone alone, recorded failed, and answered 'failed' (the caller answers
  // 5xx so Svix retries); the others keep their outcome. Deliveries are taken in (lock_key, svix_id)
  // order, the same order for every caller, so concurrent statements cannot deadlock on each other.
  await sql`
    CREATE FUNCTION usersync_apply_clerk_deliveries(p_deliveries jsonb, p_options jsonb)
    RETURNS TABLE (ordinal integer, status text, reason text, user_id uuid) LANGUAGE plpgsql AS $$
    DECLARE
      d record;
      result record;
      -- Not the OUT columns themselves: "status" would be ambiguous with webhook_events.status.
      v_status text;
      v_reason text;
      v_user_id uuid;
      prior_status text;
    BEGIN
      FOR d IN
        SELECT e.ord::integer AS ord, e.value->>'svix_id' AS svix_id,
          coalesce(e.value->>'source', 'clerk') AS source, e.value->>'type' AS type,
          e.value->>'clerk_user_id' AS clerk_user_id, e.value->'payload' AS payload,
          e.value->>'lock_key' AS lock_key, e.value->>'kind' AS kind, e.value->'data' AS data,
          e.value->>'status' AS decided_status, e.value->>'reason' AS decided_reason
        FROM jsonb_array_elements(p_deliveries) WITH ORDINALITY AS e(value, ord)
        ORDER BY e.value->>'lock_key' COLLATE "C" NULLS LAST, e.value->>'svix_id' COLLATE "C"
      LOOP
        v_user_id := NULL;
        v_reason := NULL;
        BEGIN
          IF d.lock_key IS NOT NULL THEN
            PERFORM pg_advisory_xact_lock(hashtextextended(d.lock_key, 0));
          END IF;
          -- Under the lock, a delivery of the same svix-id (same body, same lock key) has committed or
          -- not started: one look decides. invalid and failed deliveries are applied again.
          SELECT w.status INTO prior_status FROM webhook_events w WHERE w.svix_id = d.svix_id;
          IF FOUND AND prior_status NOT IN ('invalid', 'failed') THEN
            v_status := 'duplicate';
            v_reason := 'delivery already processed';
          ELSE
            IF d.kind IS NULL THEN
              v_status := d.decided_status;
              v_reason := d.decided_reason;
            ELSE
              SELECT * INTO result FROM usersync_apply_clerk_event(d.kind, d.data, p_options);
              v_status := result.status;
              v_reason := result.reason;
              v_user_id := result.user_id;
            END IF;
            -- Recorded with its outcome in one write.
            INSERT INTO webhook_events AS w
              (svix_id, source, type, clerk_user_id, payload, status, error, processed_at)
            VALUES (d.svix_id, d.source, d.type, d.clerk_user_id, d.payload, v_status, v_reason, now())
            ON CONFLICT (svix_id) DO UPDATE SET
              attempts = w.attempts + 1, type = excluded.type, clerk_user_id = excluded.clerk_user_id,
              payload = excluded.payload, status = excluded.status, error = excluded.error,
              processed_at = excluded.processed_at
            WHERE w.status IN ('invalid', 'failed');
            IF NOT FOUND THEN
              -- A delivery without a lock key raced another of the same svix-id, which won: undo ours.
              RAISE EXCEPTION USING ERRCODE = 'UU001', MESSAGE = 'delivery already processed';
            END IF;
          END IF;
        EXCEPTION WHEN SQLSTATE 'UU001' THEN
          v_status := 'duplicate';
          v_reason := 'delivery already processed';
          v_user_id := NULL;
        WHEN OTHERS THEN
          v_status := 'failed';
          v_reason := SQLSTATE || ': ' || left(SQLERRM, 1990);
          v_user_id := NULL;
          BEGIN
            INSERT INTO webhook_events AS w (svix_id, source, type, clerk_user_id, status, error, processed_at)
            VALUES (d.svix_id, d.source, d.type, d.clerk_user_id, 'failed', v_reason, now())
            ON CONFLICT (svix_id) DO UPDATE SET
              status = 'failed', error = excluded.error, processed_at = excluded.processed_at
            WHERE w.status IN ('invalid', 'failed');
          EXCEPTION WHEN OTHERS THEN
            NULL; -- the delivery's own error is what the caller reports
          END;
        END;
        ordinal := d.ord;
        status := v_status;
        reason := v_reason;
        user_id := v_user_id;
        RETURN NEXT;
      END LOOP;
    END $$
  `.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS usersync_apply_clerk_deliveries(jsonb, jsonb)`.execute(db);
  await sql`DROP FUNCTION IF EXISTS usersync_apply_clerk_event(text, jsonb, jsonb)`.execute(db);
  await sql`DROP FUNCTION IF EXISTS usersync_apply_clerk_user_delete(jsonb, jsonb)`.execute(db);
  await sql`DROP FUNCTION IF EXISTS usersync_apply_clerk_user_upsert(jsonb, jsonb)`.execute(db);
  await sql`DROP FUNCTION IF EXISTS usersync_delete_clerk_user(text, timestamptz, text)`.execute(db);
  await sql`DROP FUNCTION IF EXISTS usersync_write_clerk_users(jsonb, text, boolean)`.execute(db);
  await sql`DROP FUNCTION IF EXISTS usersync_write_clerk_user(usersync_clerk_user, text, boolean)`.execute(
    db,
  );
  await sql`DROP TYPE IF EXISTS usersync_clerk_user`.execute(db);
}
