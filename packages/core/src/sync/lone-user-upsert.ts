import type { Db } from '../db/create-database.ts';
import { type PreparedStatement, runPrepared } from '../db/prepared-statement.ts';
import { applyClerkDeliveriesFunction, applyLoneUserUpsertFunction } from '../sql-functions.ts';
import type { clerkUserRecord } from './write-clerk-user.ts';

/**
 * The statement of the write path, one prepared statement for both ways a delivery is applied
 * (docs/decisions/162): $23 true — a lone user upsert (nothing else in flight) through
 * usersync_apply_lone_user_upsert.sql, with the mapped user as typed parameters; false — a group, or a
 * delivery of any other kind, through usersync_apply_clerk_deliveries.sql ($24 deliveries, $25 options).
 * One text, so a connection parses one statement; the branch not chosen is skipped by a one-time filter.
 */
export const APPLY_DELIVERIES: PreparedStatement = {
  name: 'usersync_apply_clerk_deliveries',
  text: `SELECT 1 AS ordinal, l.status, l.reason, l.user_id
FROM ${applyLoneUserUpsertFunction.name}($1::text, $2::text, $3::text, $4::text, $5::jsonb, $6::text, $7::text,
  $8::text, $9::boolean, $10::text, $11::text, $12::text, $13::text, $14::text, $15::boolean, $16::jsonb,
  $17::timestamptz, $18::timestamptz, $19::timestamptz, $20::text, $21::boolean, $22::boolean) l
WHERE $23::boolean
UNION ALL
SELECT g.ordinal, g.status, g.reason, g.user_id
FROM ${applyClerkDeliveriesFunction.name}($24::jsonb, $25::jsonb) g
WHERE NOT $23::boolean`,
};

/** The lone branch's parameters left empty: the statement applies a group through the group function. */
const NO_LONE_DELIVERY = new Array(22).fill(null);

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
 * How lone user upserts went in this process: applied by the lone function, or (`failed`: it raised)
 * handed to the group function. Tests read it to know that the path they exercise was taken.
 */
export const loneDeliveryCounts = { applied: 0, failed: 0 };

/** Applies one user upsert delivery in one statement. Throws what the database raised (nothing was written). */
export async function applyLoneUserUpsert(
  db: Db,
  delivery: LoneDelivery,
  defaultRole: string,
): Promise<LoneOutcome> {
  const user = delivery.data;
  const [row] = await runPrepared<LoneOutcome & Record<string, unknown>>(db, APPLY_DELIVERIES, [
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
    // Clerk's ban and lockout (decision 180): absent means false.
    user.banned ?? false,
    user.locked ?? false,
    true,
    null,
    null,
  ]);
  if (!row) throw new Error('usersync_apply_lone_user_upsert returned no row');
  loneDeliveryCounts.applied += 1;
  return { status: row.status, reason: row.reason, user_id: row.user_id };
}
