import type { Db } from '../db/create-database.ts';
import { type PreparedStatement, runPrepared } from '../db/prepared-statement.ts';
import type { clerkUserRecord } from './write-clerk-user.ts';

/**
 * A lone `user.created` / `user.updated` delivery (nothing else in flight) as ONE plain SQL statement
 * with typed parameters (docs/decisions/162). The group function (usersync_apply_clerk_deliveries) costs
 * PostgreSQL ≈ 1 ms for one delivery — PL/pgSQL executor start-ups for ≈ 20 statements, jsonb unpacking
 * of the group — and at c = 1 every delivery pays it alone. This statement applies the same rule:
 *
 * - the subject's advisory lock (`usersync:user:<clerk_id>`, the key every writer of the user takes);
 * - svix-id idempotency: a delivery already recorded (other than invalid/failed) is answered duplicate;
 * - tombstones (a deleted user never comes back), the ordering guard on Clerk's updated_at
 *   (created | updated | unchanged | stale | deleted, exactly usersync_write_clerk_users' outcomes for a
 *   webhook), the invitation claim of a new user with a verified address, app-owned columns untouched;
 * - the settings row (the users insert fires the same statement trigger);
 * - the webhook_events record with the outcome (usersync_user_upsert_status: the one meaning of an outcome).
 *
 * One statement reads with one snapshot, taken before the lock is granted: a writer of this user that
 * committed in between would be invisible to it. So, holding the lock, the statement takes its own
 * transaction id and looks at every transaction its snapshot cannot see — those running when it was
 * taken (xip) and those given an id since (xmax up to its own). If each is still running, none of them
 * wrote this user (a writer of the user holds the lock until it ends, and the statement holds it now),
 * so the snapshot shows the user as it is. If one has ended since, the statement writes nothing and
 * answers `retry`, and the group function (which reads after locking) applies the delivery: only when
 * a transaction ended in the microseconds between snapshot and lock, or the lock was waited for.
 * Any error also falls back to the group function, which isolates and records the failure.
 *
 * It is the same prepared statement as the group function's call ($21 true: the lone rule; false:
 * usersync_apply_clerk_deliveries($22, $23) for a group or any other kind): one statement to parse per
 * connection, and each branch is skipped by a one-time filter when not chosen. In a group statement the
 * lone branch's inserts run with no rows (the users statement triggers still fire once per statement).
 */
export const APPLY_DELIVERIES: PreparedStatement = {
  name: 'usersync_apply_clerk_deliveries',
  text: `
WITH locked AS MATERIALIZED (
  SELECT pg_advisory_xact_lock(hashtextextended('usersync:user:' || $7::text, 0)) AS lock, 1 AS one
  WHERE $21::boolean
),
fresh AS MATERIALIZED (
  SELECT NOT EXISTS (
      SELECT 1
      FROM (SELECT pg_current_snapshot() AS s, pg_current_xact_id()::text::bigint AS mine) c,
        LATERAL (
          SELECT x FROM pg_snapshot_xip(c.s) x
          UNION ALL
          SELECT g::text::xid8 FROM generate_series(pg_snapshot_xmax(c.s)::text::bigint, c.mine - 1) g
        ) t(x)
      WHERE l.one = 1
        AND (c.mine - pg_snapshot_xmax(c.s)::text::bigint > 1000 OR pg_xact_status(t.x) <> 'in progress')
    ) AS ok
  FROM locked l
),
decision AS MATERIALIZED (
  SELECT CASE
      WHEN NOT f.ok THEN 'retry'
      WHEN p.status IS NOT NULL AND p.status NOT IN ('invalid', 'failed') THEN 'answered'
      WHEN e.deleted_at IS NOT NULL
        OR EXISTS (SELECT 1 FROM user_tombstones t WHERE t.clerk_id = $7::text) THEN 'deleted'
      WHEN e.id IS NULL THEN 'created'
      WHEN e.clerk_updated_at IS NOT NULL AND $19::timestamptz <= e.clerk_updated_at THEN
        CASE WHEN $19::timestamptz < e.clerk_updated_at THEN 'stale' ELSE 'unchanged' END
      ELSE 'updated'
    END AS outcome,
    e.id AS existing_id,
    gen_random_uuid() AS new_id
  FROM fresh f
  LEFT JOIN LATERAL (SELECT w.status FROM webhook_events w WHERE w.svix_id = $1::text LIMIT 1) p ON true
  LEFT JOIN LATERAL (
    SELECT u.id, u.deleted_at, u.clerk_updated_at FROM users u WHERE u.clerk_id = $7::text LIMIT 1
  ) e ON true
),
claimed AS (
  UPDATE invitations inv SET claimed_at = now(), claimed_by_user_id = d.new_id
  FROM decision d
  WHERE d.outcome = 'created' AND $9::boolean AND inv.email = $20::text AND inv.claimed_at IS NULL
  RETURNING inv.role, inv.data
),
inserted AS (
  INSERT INTO users (
    id, clerk_id, email, email_verified, first_name, last_name, username, image_url, phone_number,
    phone_verified, public_metadata, last_sign_in_at, clerk_created_at, clerk_updated_at, role, app_metadata
  )
  SELECT d.new_id, $7::text, $8::text, $9::boolean, $10::text, $11::text, $12::text, $13::text, $14::text,
    $15::boolean, $16::jsonb, $17::timestamptz, $18::timestamptz, $19::timestamptz,
    coalesce((SELECT c.role FROM claimed c), $6::text), coalesce((SELECT c.data FROM claimed c), '{}'::jsonb)
  FROM decision d WHERE d.outcome = 'created'
  RETURNING id
),
updated AS (
  UPDATE users w SET
    email = $8::text, email_verified = $9::boolean, first_name = $10::text, last_name = $11::text,
    username = $12::text, image_url = $13::text, phone_number = $14::text, phone_verified = $15::boolean,
    public_metadata = $16::jsonb, last_sign_in_at = $17::timestamptz, clerk_created_at = $18::timestamptz,
    clerk_updated_at = $19::timestamptz, is_active = true
  FROM decision d
  WHERE d.outcome = 'updated' AND w.id = d.existing_id
),
outcome AS MATERIALIZED (
  SELECT d.outcome, d.existing_id,
    CASE WHEN d.outcome NOT IN ('retry', 'answered') THEN s.status END AS status, s.reason
  FROM decision d,
    LATERAL usersync_user_upsert_status(
      CASE WHEN d.outcome IN ('retry', 'answered') THEN 'created' ELSE d.outcome END) s
),
recorded AS (
  INSERT INTO webhook_events AS w (svix_id, source, type, clerk_user_id, payload, status, error, processed_at)
  SELECT $1::text, $2::text, $3::text, $4::text, $5::jsonb, o.status, o.reason, now()
  FROM outcome o WHERE o.status IS NOT NULL
  ON CONFLICT (svix_id) DO UPDATE SET
    attempts = w.attempts + 1, type = excluded.type, clerk_user_id = excluded.clerk_user_id,
    payload = excluded.payload, status = excluded.status, error = excluded.error,
    processed_at = excluded.processed_at
  WHERE w.status IN ('invalid', 'failed')
)
SELECT 1 AS ordinal,
  CASE o.outcome WHEN 'answered' THEN 'duplicate' WHEN 'retry' THEN 'retry' ELSE o.status END AS status,
  CASE o.outcome WHEN 'answered' THEN 'delivery already processed' ELSE o.reason END AS reason,
  CASE WHEN o.outcome <> 'answered' THEN coalesce((SELECT i.id FROM inserted i), o.existing_id) END AS user_id
FROM outcome o
WHERE $21::boolean
UNION ALL
SELECT g.ordinal, g.status, g.reason, g.user_id FROM usersync_apply_clerk_deliveries($22::jsonb, $23::jsonb) g
WHERE NOT $21::boolean`,
};

/** The lone branch's parameters left empty: the statement applies a group through the group function. */
const NO_LONE_DELIVERY = new Array(20).fill(null);

export function groupParameters(deliveries: string, options: string): unknown[] {
  return [...NO_LONE_DELIVERY, false, deliveries, options];
}

export interface LoneDelivery {
  svix_id: string;
  source: string;
  type: string | null;
  clerk_user_id: string | null;
  payload: unknown;
  /** The mapped user (kind user.upsert). */
  data: ReturnType<typeof clerkUserRecord>;
}

export interface LoneOutcome {
  status: 'applied' | 'duplicate' | 'stale';
  reason: string | null;
  user_id: string | null;
}

/**
 * How lone user upserts went in this process: applied by the lone statement, or handed to the group
 * function (`retried`: a concurrent transaction ended; `failed`: the statement raised). Tests read it
 * to know that the path they exercise was taken.
 */
export const loneDeliveryCounts = { applied: 0, retried: 0, failed: 0 };

/**
 * Applies one user upsert delivery in one statement. Returns null when the statement could not prove
 * its snapshot current (a concurrent writer; nothing was written): the caller applies the delivery
 * through the group function instead. Throws what the database raised (nothing was written).
 */
export async function applyLoneUserUpsert(
  db: Db,
  delivery: LoneDelivery,
  defaultRole: string,
): Promise<LoneOutcome | null> {
  const user = delivery.data;
  const [row] = await runPrepared<
    { status: LoneOutcome['status'] | 'retry' } & Omit<LoneOutcome, 'status'> & Record<string, unknown>
  >(db, APPLY_DELIVERIES, [
    delivery.svix_id,
    delivery.source,
    delivery.type,
    delivery.clerk_user_id,
    JSON.stringify(delivery.payload),
    defaultRole,
    user.clerk_id,
    user.email,
    user.email_verified,
    user.first_name,
    user.last_name,
    user.username,
    user.image_url,
    user.phone_number,
    user.phone_verified,
    JSON.stringify(user.public_metadata),
    user.last_sign_in_at,
    user.clerk_created_at,
    user.clerk_updated_at,
    user.email_lower,
    true,
    null,
    null,
  ]);
  if (!row || row.status === 'retry') {
    loneDeliveryCounts.retried += 1;
    return null;
  }
  loneDeliveryCounts.applied += 1;
  return { status: row.status, reason: row.reason, user_id: row.user_id };
}
