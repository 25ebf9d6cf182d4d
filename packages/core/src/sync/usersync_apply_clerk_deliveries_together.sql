-- The rule of a group of deliveries (docs/decisions/130). Each element of p_deliveries:
--   { svix_id, source, type, clerk_user_id, payload, lock_key, lock_keys, kind, data, status, reason }
-- kind null: the outcome (invalid, ignored) was decided in TypeScript and is only recorded.
-- One look-up of every svix-id; the user upserts that share no subject with another delivery of the
-- group written by one call of the page writer (usersync_write_clerk_users.sql, the rule reconcile
-- uses); the rest one by one in lock order; one insert recording every delivery
-- (webhook-events/usersync_record_delivery_outcomes.sql).
-- Raises when anything fails; the caller (usersync_apply_clerk_deliveries.sql) then isolates deliveries.
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_apply_clerk_deliveries_together(p_deliveries jsonb, p_options jsonb)
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
  v_recorded := usersync_record_delivery_outcomes(p_deliveries, v_outcomes, v_answered);
  IF v_recorded <> cardinality(v_outcomes) - cardinality(v_answered) THEN
    -- Another statement recorded one of these svix-ids meanwhile (it won): one by one decides.
    RAISE EXCEPTION USING ERRCODE = 'UU001', MESSAGE = 'delivery already processed';
  END IF;
  RETURN QUERY SELECT * FROM unnest(v_outcomes);
END $$;
