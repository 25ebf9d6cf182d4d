-- The entry point of the webhook write path (sync/apply-clerk-event.ts): applies verified deliveries,
-- one or many, in one statement. The group together (usersync_apply_clerk_deliveries_together.sql), in
-- one subtransaction; if it raises, every delivery alone, each in its own: a delivery that fails is
-- undone and recorded failed alone (answered 'failed', the caller answers 5xx so Svix retries), the
-- others keep their outcome.
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

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
    SELECT e.ord::integer AS ord, e.value AS delivery
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
        PERFORM usersync_record_delivery_failures(jsonb_build_array(d.delivery), v_reason);
      EXCEPTION WHEN OTHERS THEN
        NULL; -- the delivery's own error is what the caller reports
      END;
      RETURN QUERY SELECT d.ord, 'failed'::text, v_reason, NULL::uuid;
    END;
  END LOOP;
END $$;
