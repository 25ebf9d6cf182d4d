-- One Clerk Billing subscription item (decision 182), under its own lock. Ordering key clerk_updated_at
-- (the item event's timestamp, or its subscription event's updated_at: item payloads carry none): newer
-- wins, equal is unchanged, older is stale. A payload without a payer keeps the stored one. The payer's
-- users/organizations row id is filled when that row exists. Called by usersync_write_billing_subscription
-- and the dispatch handler. Outcome: created | updated | unchanged | stale.
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_write_billing_subscription_item(p jsonb) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  v_clerk_id text := p->>'clerk_id';
  v_version  timestamptz := (p->>'clerk_updated_at')::timestamptz;
  v_stored   timestamptz;
  v_found    boolean;
  v_user     text := p->>'clerk_user_id';
  v_org      text := p->>'clerk_organization_id';
BEGIN
  PERFORM usersync_lock_clerk_id('billing_subscription_item', v_clerk_id);
  SELECT i.clerk_updated_at INTO v_stored FROM billing_subscription_items i WHERE i.clerk_id = v_clerk_id;
  v_found := FOUND;
  IF v_found AND v_version <= v_stored THEN
    RETURN CASE WHEN v_version < v_stored THEN 'stale' ELSE 'unchanged' END;
  END IF;
  INSERT INTO billing_subscription_items AS w (
    clerk_id, status, plan_slug, plan_name, plan_period, period_start, period_end, canceled_at, past_due_at,
    clerk_user_id, clerk_organization_id, user_id, organization_id, clerk_updated_at
  ) VALUES (
    v_clerk_id, p->>'status', p->>'plan_slug', p->>'plan_name', p->>'plan_period',
    (p->>'period_start')::timestamptz, (p->>'period_end')::timestamptz, (p->>'canceled_at')::timestamptz,
    (p->>'past_due_at')::timestamptz, v_user, v_org,
    (SELECT u.id FROM users u WHERE u.clerk_id = v_user),
    (SELECT o.id FROM organizations o WHERE o.clerk_id = v_org),
    v_version
  )
  ON CONFLICT (clerk_id) DO UPDATE SET
    status = excluded.status, plan_slug = excluded.plan_slug, plan_name = excluded.plan_name,
    plan_period = excluded.plan_period, period_start = excluded.period_start, period_end = excluded.period_end,
    canceled_at = excluded.canceled_at, past_due_at = excluded.past_due_at,
    clerk_updated_at = excluded.clerk_updated_at,
    -- No payer in the payload: the stored one stays.
    clerk_user_id = CASE WHEN v_user IS NULL AND v_org IS NULL THEN w.clerk_user_id ELSE excluded.clerk_user_id END,
    clerk_organization_id = CASE WHEN v_user IS NULL AND v_org IS NULL THEN w.clerk_organization_id
      ELSE excluded.clerk_organization_id END,
    user_id = CASE WHEN v_user IS NULL AND v_org IS NULL
      THEN coalesce(w.user_id, (SELECT u.id FROM users u WHERE u.clerk_id = w.clerk_user_id)) ELSE excluded.user_id END,
    organization_id = CASE WHEN v_user IS NULL AND v_org IS NULL
      THEN coalesce(w.organization_id, (SELECT o.id FROM organizations o WHERE o.clerk_id = w.clerk_organization_id))
      ELSE excluded.organization_id END;
  RETURN CASE WHEN v_found THEN 'updated' ELSE 'created' END;
END $$;
