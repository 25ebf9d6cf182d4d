-- One Clerk Billing subscription (decision 182), under its own lock, ordered by its updated_at; then each
-- item it carries (clerk_id order) through usersync_write_billing_subscription_item, versioned by the
-- subscription's updated_at, each under its own guard (also when the subscription itself is stale).
-- Called by the dispatch handler and billing reconcile (sync/write-clerk-billing.ts).
-- Outcome (the subscription's): created | updated | unchanged | stale.
-- Installed by the migration runner (src/sql-functions.ts): change the rule here, never in a migration.

CREATE OR REPLACE FUNCTION usersync_write_billing_subscription(p jsonb) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  v_clerk_id text := p->>'clerk_id';
  v_version  timestamptz := (p->>'clerk_updated_at')::timestamptz;
  v_stored   timestamptz;
  v_found    boolean;
  v_outcome  text;
  v_user     text := p->>'clerk_user_id';
  v_org      text := p->>'clerk_organization_id';
BEGIN
  PERFORM usersync_lock_clerk_id('billing_subscription', v_clerk_id);
  SELECT s.clerk_updated_at INTO v_stored FROM billing_subscriptions s WHERE s.clerk_id = v_clerk_id;
  v_found := FOUND;
  IF v_found AND v_version <= v_stored THEN
    v_outcome := CASE WHEN v_version < v_stored THEN 'stale' ELSE 'unchanged' END;
  ELSE
    INSERT INTO billing_subscriptions AS w (
      clerk_id, status, clerk_user_id, clerk_organization_id, user_id, organization_id,
      active_at, past_due_at, canceled_at, ended_at, clerk_updated_at
    ) VALUES (
      v_clerk_id, p->>'status', v_user, v_org,
      (SELECT u.id FROM users u WHERE u.clerk_id = v_user),
      (SELECT o.id FROM organizations o WHERE o.clerk_id = v_org),
      (p->>'active_at')::timestamptz, (p->>'past_due_at')::timestamptz, (p->>'canceled_at')::timestamptz,
      (p->>'ended_at')::timestamptz, v_version
    )
    ON CONFLICT (clerk_id) DO UPDATE SET
      status = excluded.status, clerk_user_id = excluded.clerk_user_id,
      clerk_organization_id = excluded.clerk_organization_id, user_id = excluded.user_id,
      organization_id = excluded.organization_id, active_at = excluded.active_at,
      past_due_at = excluded.past_due_at, canceled_at = excluded.canceled_at, ended_at = excluded.ended_at,
      clerk_updated_at = excluded.clerk_updated_at;
    v_outcome := CASE WHEN v_found THEN 'updated' ELSE 'created' END;
  END IF;
  PERFORM usersync_write_billing_subscription_item(e.value)
  FROM jsonb_array_elements(coalesce(p->'items', '[]'::jsonb)) AS e(value)
  ORDER BY e.value->>'clerk_id' COLLATE "C";
  RETURN v_outcome;
END $$;
