import { type Kysely, sql } from 'kysely';

// A group of deliveries is applied together, not one subtransaction each (docs/decisions/130).
// 2026_11_30_0100/0200 ran every delivery of a group commit in its own subtransaction, each with its own
// lock call, svix-id look-up, three nested handler calls and insert into webhook_events: PostgreSQL spent
// ≈ 0.3 ms of CPU per delivery however large the group. Here the rule of a delivery is written once, for
// a whole group (usersync_apply_clerk_deliveries_together): one look-up of every svix-id, the user
// upserts that share no subject with another delivery of the group written by one call of the page
// writer (usersync_write_clerk_users, the rule reconcile uses), the rest one by one in lock order, and one
// insert recording every delivery. If anything of the group raises, the group is undone and each delivery
// is applied alone in its own subtransaction through the same function, so a failure stays its own.
// Frozen in time: a later change is a new migration that replaces these functions.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema types.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE TYPE usersync_delivery_outcome AS (ordinal integer, status text, reason text, user_id uuid)`.execute(
    db,
  );

  // What an upsert outcome means for a delivery: one place, for the group path and the one-delivery handler.
  await sql`
    CREATE FUNCTION usersync_user_upsert_status(p_outcome text, OUT status text, OUT reason text)
    LANGUAGE plpgsql IMMUTABLE AS $$
    BEGIN
      CASE p_outcome
        WHEN 'created', 'updated' THEN status := 'applied';
        WHEN 'unchanged' THEN status := 'duplicate'; reason := 'this version of the user is already stored';
        WHEN 'stale' THEN status := 'stale'; reason := 'a newer version of the user is already stored';
        WHEN 'deleted' THEN status := 'stale'; reason := 'the user was deleted; deletion is final';
      END CASE; -- no ELSE: an unexpected outcome raises CASE_NOT_FOUND instead of passing silently
    END $$
  `.execute(db);
  await sql`
    CREATE OR REPLACE FUNCTION usersync_apply_clerk_user_upsert(
      p_data jsonb, p_options jsonb, OUT status text, OUT reason text, OUT user_id uuid
    ) LANGUAGE plpgsql AS $$
    DECLARE
      result record;
    BEGIN
      SELECT * INTO result FROM usersync_write_clerk_user(
        jsonb_populate_record(NULL::usersync_clerk_user, p_data), p_options->>'default_role', false);
      user_id := (result.written).id;
      SELECT s.status, s.reason INTO status, reason FROM usersync_user_upsert_status(result.outcome) s;
    END $$
  `.execute(db);

  // Every subject lock of a group (lock_key and lock_keys of each delivery), taken in one order
  // (COLLATE "C"), so two groups cannot deadlock.
  await sql`
    CREATE FUNCTION usersync_lock_delivery_subjects(p_deliveries jsonb) RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
      k record;
    BEGIN
      -- One delivery naming one subject (most statements at low load): no ordering to do.
      IF jsonb_array_length(p_deliveries) = 1 AND jsonb_typeof(p_deliveries->0->'lock_keys') IS DISTINCT FROM 'array' THEN
        IF p_deliveries->0->>'lock_key' IS NOT NULL THEN
          PERFORM pg_advisory_xact_lock(hashtextextended(p_deliveries->0->>'lock_key', 0));
        END IF;
        RETURN;
      END IF;
      FOR k IN
        SELECT DISTINCT x.key COLLATE "C" AS key
        FROM jsonb_to_recordset(p_deliveries) AS e(lock_key text, lock_keys jsonb),
          LATERAL (
            SELECT e.lock_key
            UNION ALL
            SELECT jsonb_array_elements_text(CASE jsonb_typeof(e.lock_keys) WHEN 'array' THEN e.lock_keys END)
          ) AS x(key)
        WHERE x.key IS NOT NULL
        ORDER BY 1
      LOOP
        PERFORM pg_advisory_xact_lock(hashtextextended(k.key, 0));
      END LOOP;
    END $$
  `.execute(db);

  // The rule of a group of deliveries. Each element of p_deliveries:
  //   { svix_id, source, type, clerk_user_id, payload, lock_key, lock_keys, kind, data, status, reason }
  // kind null: the outcome (invalid, ignored) was decided in TypeScript and is only recorded.
  // Raises when anything fails; the caller (usersync_apply_clerk_deliveries) then isolates deliveries.
  await sql`
    CREATE FUNCTION usersync_apply_clerk_deliveries_together(p_deliveries jsonb, p_options jsonb)
    RETURNS SETOF usersync_delivery_outcome LANGUAGE plpgsql AS $$
    DECLARE
      d record;
      result record;
      v_outcomes usersync_delivery_outcome[] := '{}';
      -- Deliveries of a svix-id already processed: answered duplicate, not recorded again.
      v_answered integer[] := '{}';
      v_together integer[];
      v_users jsonb;
      v_recorded integer;
    BEGIN
      PERFORM usersync_lock_delivery_subjects(p_deliveries);

      -- One svix-id twice in a group (Svix's retry racing the first attempt): one by one decides
      -- (the second sees the first's record).
      IF jsonb_array_length(p_deliveries) > 1 AND EXISTS (
        SELECT 1 FROM jsonb_to_recordset(p_deliveries) AS e(svix_id text) GROUP BY e.svix_id HAVING count(*) > 1
      ) THEN
        RAISE EXCEPTION USING ERRCODE = 'UU002', MESSAGE = 'one svix-id twice in a group';
      END IF;

      -- Each svix-id's record is read as an index probe (LATERAL … LIMIT 1): the plan is cached per
      -- connection, and a join planned while webhook_events was small would scan it once it is large.
      -- User upserts whose subject no other delivery of the group names: one call of the page writer
      -- (their subjects are disjoint from everything else here, so order does not matter).
      WITH subject_uses AS (
        SELECT x.key, count(*) AS uses
        FROM jsonb_to_recordset(p_deliveries) AS e(lock_key text, lock_keys jsonb),
          LATERAL (
            SELECT e.lock_key
            UNION ALL
            SELECT jsonb_array_elements_text(CASE jsonb_typeof(e.lock_keys) WHEN 'array' THEN e.lock_keys END)
          ) AS x(key)
        GROUP BY x.key
      )
      SELECT array_agg(e.ord ORDER BY e.ord), jsonb_agg(e.data ORDER BY e.ord)
      INTO v_together, v_users
      FROM ROWS FROM (jsonb_to_recordset(p_deliveries) AS (svix_id text, lock_key text, kind text, data jsonb))
        WITH ORDINALITY AS e(svix_id, lock_key, kind, data, ord)
      JOIN subject_uses u ON u.key = e.lock_key AND u.uses = 1
      LEFT JOIN LATERAL (SELECT w.status FROM webhook_events w WHERE w.svix_id = e.svix_id LIMIT 1) w ON true
      WHERE e.kind = 'user.upsert' AND (w.status IS NULL OR w.status IN ('invalid', 'failed'));
      IF v_users IS NOT NULL THEN
        SELECT v_outcomes || array_agg(
          ROW(v_together[u.ordinal], s.status, s.reason, (u.written).id)::usersync_delivery_outcome)
        INTO v_outcomes
        FROM usersync_write_clerk_users(v_users, p_options->>'default_role', false) u,
          LATERAL usersync_user_upsert_status(u.outcome) s;
      END IF;

      -- The rest, one at a time in lock order.
      FOR d IN
        SELECT e.ord::integer AS ord, e.kind, e.data, e.status AS decided_status, e.reason AS decided_reason,
          w.status AS prior_status
        FROM ROWS FROM (jsonb_to_recordset(p_deliveries)
            AS (svix_id text, lock_key text, kind text, data jsonb, status text, reason text))
          WITH ORDINALITY AS e(svix_id, lock_key, kind, data, status, reason, ord)
        LEFT JOIN LATERAL (SELECT w.status FROM webhook_events w WHERE w.svix_id = e.svix_id LIMIT 1) w ON true
        WHERE v_together IS NULL OR NOT e.ord = ANY (v_together)
        ORDER BY e.lock_key COLLATE "C" NULLS LAST, e.svix_id COLLATE "C"
      LOOP
        IF d.prior_status IS NOT NULL AND d.prior_status NOT IN ('invalid', 'failed') THEN
          v_answered := v_answered || d.ord;
          v_outcomes := v_outcomes
            || ROW(d.ord, 'duplicate', 'delivery already processed', NULL)::usersync_delivery_outcome;
        ELSIF d.kind IS NULL THEN
          v_outcomes := v_outcomes || ROW(d.ord, d.decided_status, d.decided_reason, NULL)::usersync_delivery_outcome;
        ELSE
          SELECT * INTO result FROM usersync_apply_clerk_event(d.kind, d.data, p_options);
          v_outcomes := v_outcomes
            || ROW(d.ord, result.status, result.reason, result.user_id)::usersync_delivery_outcome;
        END IF;
      END LOOP;

      -- Every other delivery recorded with its outcome, in one insert. invalid and failed records are
      -- applied again and overwritten.
      INSERT INTO webhook_events AS w (svix_id, source, type, clerk_user_id, payload, status, error, processed_at)
      SELECT e.svix_id, coalesce(e.source, 'clerk'), e.type, e.clerk_user_id, e.payload, o.status, o.reason, now()
      FROM ROWS FROM (jsonb_to_recordset(p_deliveries)
          AS (svix_id text, source text, type text, clerk_user_id text, payload jsonb))
        WITH ORDINALITY AS e(svix_id, source, type, clerk_user_id, payload, ord)
      JOIN unnest(v_outcomes) o ON o.ordinal = e.ord
      WHERE NOT o.ordinal = ANY (v_answered)
      ON CONFLICT (svix_id) DO UPDATE SET
        attempts = w.attempts + 1, type = excluded.type, clerk_user_id = excluded.clerk_user_id,
        payload = excluded.payload, status = excluded.status, error = excluded.error,
        processed_at = excluded.processed_at
      WHERE w.status IN ('invalid', 'failed');
      GET DIAGNOSTICS v_recorded = ROW_COUNT;
      IF v_recorded <> cardinality(v_outcomes) - cardinality(v_answered) THEN
        -- Another statement recorded one of these svix-ids meanwhile (it won): one by one decides.
        RAISE EXCEPTION USING ERRCODE = 'UU001', MESSAGE = 'delivery already processed';
      END IF;
      RETURN QUERY SELECT * FROM unnest(v_outcomes);
    END $$
  `.execute(db);

  // The entry point (same signature and result as before). The group together, in one subtransaction;
  // if it raises, every delivery alone, each in its own: a delivery that fails is undone and recorded
  // failed alone (answered 'failed', the caller answers 5xx so Svix retries), the others keep their outcome.
  await sql`
    CREATE OR REPLACE FUNCTION usersync_apply_clerk_deliveries(p_deliveries jsonb, p_options jsonb)
    RETURNS TABLE (ordinal integer, status text, reason text, user_id uuid) LANGUAGE plpgsql AS $$
    DECLARE
      v_outcomes usersync_delivery_outcome[];
      d record;
      v_reason text;
    BEGIN
      BEGIN
        SELECT array_agg(t) INTO v_outcomes FROM usersync_apply_clerk_deliveries_together(p_deliveries, p_options) t;
      EXCEPTION WHEN OTHERS THEN
        v_outcomes := NULL; -- undone (its locks too); now one at a time
      END;
      IF v_outcomes IS NOT NULL THEN
        RETURN QUERY SELECT * FROM unnest(v_outcomes);
        RETURN;
      END IF;

      -- Every lock of the group again, first and in one order, held to the end of the transaction.
      PERFORM usersync_lock_delivery_subjects(p_deliveries);
      FOR d IN
        SELECT e.ord::integer AS ord, e.value AS delivery, e.value->>'svix_id' AS svix_id,
          coalesce(e.value->>'source', 'clerk') AS source, e.value->>'type' AS type,
          e.value->>'clerk_user_id' AS clerk_user_id
        FROM jsonb_array_elements(p_deliveries) WITH ORDINALITY AS e(value, ord)
        ORDER BY e.value->>'lock_key' COLLATE "C" NULLS LAST, e.value->>'svix_id' COLLATE "C"
      LOOP
        BEGIN
          RETURN QUERY SELECT d.ord, t.status, t.reason, t.user_id
            FROM usersync_apply_clerk_deliveries_together(jsonb_build_array(d.delivery), p_options) t;
        EXCEPTION WHEN SQLSTATE 'UU001' THEN
          RETURN QUERY SELECT d.ord, 'duplicate'::text, 'delivery already processed'::text, NULL::uuid;
        WHEN OTHERS THEN
          v_reason := SQLSTATE || ': ' || left(SQLERRM, 1990);
          BEGIN
            INSERT INTO webhook_events AS w (svix_id, source, type, clerk_user_id, status, error, processed_at)
            VALUES (d.svix_id, d.source, d.type, d.clerk_user_id, 'failed', v_reason, now())
            ON CONFLICT (svix_id) DO UPDATE SET
              status = 'failed', error = excluded.error, processed_at = excluded.processed_at
            WHERE w.status IN ('invalid', 'failed');
          EXCEPTION WHEN OTHERS THEN
            NULL; -- the delivery's own error is what the caller reports
          END;
          RETURN QUERY SELECT d.ord, 'failed'::text, v_reason, NULL::uuid;
        END;
      END LOOP;
    END $$
  `.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(DELIVERIES_OF_0200).execute(db);
  await sql`DROP FUNCTION IF EXISTS usersync_apply_clerk_deliveries_together(jsonb, jsonb)`.execute(db);
  await sql`DROP FUNCTION IF EXISTS usersync_lock_delivery_subjects(jsonb)`.execute(db);
  await sql`
    CREATE OR REPLACE FUNCTION usersync_apply_clerk_user_upsert(
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
      END CASE;
    END $$
  `.execute(db);
  await sql`DROP FUNCTION IF EXISTS usersync_user_upsert_status(text)`.execute(db);
  await sql`DROP TYPE IF EXISTS usersync_delivery_outcome`.execute(db);
}

// usersync_apply_clerk_deliveries as 2026_11_30_0200 made it, restored by down() (written out here: a
// migration imports no other migration).
const DELIVERIES_OF_0200 = `
    CREATE OR REPLACE FUNCTION usersync_apply_clerk_deliveries(p_deliveries jsonb, p_options jsonb)
    RETURNS TABLE (ordinal integer, status text, reason text, user_id uuid) LANGUAGE plpgsql AS $$
    DECLARE
      d record;
      k record;
      result record;
      -- Not the OUT columns themselves: "status" would be ambiguous with webhook_events.status.
      v_status text;
      v_reason text;
      v_user_id uuid;
      prior_status text;
    BEGIN
      FOR k IN
        SELECT key FROM (
          SELECT e.value->>'lock_key' AS key FROM jsonb_array_elements(p_deliveries) AS e(value)
          UNION
          SELECT x.key FROM jsonb_array_elements(p_deliveries) AS e(value),
            jsonb_array_elements_text(CASE jsonb_typeof(e.value->'lock_keys')
              WHEN 'array' THEN e.value->'lock_keys' ELSE '[]'::jsonb END) AS x(key)
        ) keys
        WHERE key IS NOT NULL
        ORDER BY key COLLATE "C"
      LOOP
        PERFORM pg_advisory_xact_lock(hashtextextended(k.key, 0));
      END LOOP;
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
    END $$`;
