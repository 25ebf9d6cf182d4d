import { sql } from 'kysely';
import type { Db } from '../db/create-database.ts';

// Tables other branches add (organizations, organization_memberships, reconcile_runs). The console
// shows them when they exist and leaves them out otherwise, so it works before and after those land.
// Read generically (to_jsonb) until their repositories exist on main; then these go through them.

async function columnsOf(db: Db, table: string): Promise<string[]> {
  const { rows } = await sql<{ column_name: string }>`
    SELECT column_name FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name = ${table}
  `.execute(db);
  return rows.map((row) => row.column_name);
}

/** Number of organizations, or null when there is no organizations table. */
export async function countOrganizations(db: Db): Promise<number | null> {
  const columns = await columnsOf(db, 'organizations');
  if (columns.length === 0) return null;
  const deleted = columns.includes('deleted_at') ? sql`WHERE deleted_at IS NULL` : sql``;
  const { rows } = await sql<{
    count: string;
  }>`SELECT count(*) AS count FROM organizations ${deleted}`.execute(db);
  return Number(rows[0]?.count ?? 0);
}

/** The newest reconcile run as stored (any columns), or null when there is none or no such table. */
export async function lastReconcileRun(db: Db): Promise<Record<string, unknown> | null> {
  const columns = await columnsOf(db, 'reconcile_runs');
  const order = ['started_at', 'created_at', 'finished_at', 'id'].find((column) => columns.includes(column));
  if (!order) return null;
  const { rows } = await sql<{ run: Record<string, unknown> }>`
    SELECT to_jsonb(r) AS run FROM reconcile_runs r ORDER BY ${sql.ref(`r.${order}`)} DESC LIMIT 1
  `.execute(db);
  return rows[0]?.run ?? null;
}

/** A user's organization memberships as stored, or null when there is no memberships table. */
export async function membershipsOfUser(
  db: Db,
  user: { id: string; clerk_id: string },
): Promise<Array<Record<string, unknown>> | null> {
  const columns = await columnsOf(db, 'organization_memberships');
  const match = columns.includes('clerk_user_id')
    ? sql`m.clerk_user_id = ${user.clerk_id}`
    : columns.includes('user_id')
      ? sql`m.user_id::text = ${user.id}`
      : null;
  if (!match) return null;
  const { rows } = await sql<{ membership: Record<string, unknown> }>`
    SELECT to_jsonb(m) AS membership FROM organization_memberships m WHERE ${match} LIMIT 100
  `.execute(db);
  return rows.map((row) => row.membership);
}
