import type { Db } from '../db/create-database.ts';
import type { OrganizationMembershipRow, OrganizationRow } from '../db/schema.ts';

// Reads of organizations and memberships. Writes go through the rules (sync/write-clerk-organization.ts).

export interface UserOrganization {
  clerk_id: string;
  name: string;
  slug: string | null;
  image_url: string | null;
  /** The user's role in it (Clerk's role key, e.g. `org:admin`). */
  role: string;
}

/** The active organizations a user belongs to, by name. */
export async function listActiveOrganizationsOfUser(
  db: Db,
  clerkUserId: string,
): Promise<UserOrganization[]> {
  return db
    .selectFrom('organization_memberships as m')
    .innerJoin('organizations as o', 'o.clerk_id', 'm.clerk_organization_id')
    .select(['o.clerk_id', 'o.name', 'o.slug', 'o.image_url', 'm.role'])
    .where('m.clerk_user_id', '=', clerkUserId)
    .where('o.is_active', '=', true)
    .orderBy('o.name')
    .orderBy('o.clerk_id')
    .execute();
}

/** Whether the user has a current membership in this active organization. */
export async function hasActiveMembership(
  db: Db,
  clerkOrganizationId: string,
  clerkUserId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('organization_memberships as m')
    .innerJoin('organizations as o', 'o.clerk_id', 'm.clerk_organization_id')
    .select('m.id')
    .where('m.clerk_organization_id', '=', clerkOrganizationId)
    .where('m.clerk_user_id', '=', clerkUserId)
    .where('o.is_active', '=', true)
    .executeTakeFirst();
  return row !== undefined;
}

export async function isOrganizationTombstoned(db: Db, clerkOrganizationId: string): Promise<boolean> {
  const row = await db
    .selectFrom('organization_tombstones')
    .select('clerk_id')
    .where('clerk_id', '=', clerkOrganizationId)
    .executeTakeFirst();
  return row !== undefined;
}

export interface OrganizationSummary extends OrganizationRow {
  members: number;
}

export interface ListOrganizationsOptions {
  limit?: number;
  includeInactive?: boolean;
}

/** Organizations, oldest first, with their member counts. */
export async function listOrganizations(
  db: Db,
  options: ListOrganizationsOptions = {},
): Promise<OrganizationSummary[]> {
  let query = db
    .selectFrom('organizations as o')
    .selectAll('o')
    .select((eb) =>
      eb
        .selectFrom('organization_memberships as m')
        .whereRef('m.clerk_organization_id', '=', 'o.clerk_id')
        .select(eb.fn.countAll<string>().as('n'))
        .as('members'),
    )
    .orderBy('o.created_at')
    .orderBy('o.id')
    .limit(Math.min(Math.max(options.limit ?? 50, 1), 1000));
  if (!options.includeInactive) query = query.where('o.is_active', '=', true);
  const rows = await query.execute();
  return rows.map((row) => ({ ...row, members: Number(row.members ?? 0) }));
}

export interface OrganizationMember
  extends Pick<OrganizationMembershipRow, 'clerk_id' | 'clerk_user_id' | 'role' | 'user_id'> {
  email: string | null;
  first_name: string | null;
  last_name: string | null;
}

/** One organization by Clerk id (`org_…`) or slug, with its members (linked user data when present). */
export async function findOrganizationWithMembers(
  db: Db,
  ref: string,
): Promise<{ organization: OrganizationRow; members: OrganizationMember[] } | null> {
  const organization =
    (await db.selectFrom('organizations').selectAll().where('clerk_id', '=', ref).executeTakeFirst()) ??
    (await db
      .selectFrom('organizations')
      .selectAll()
      .where('slug', '=', ref)
      .orderBy('is_active', 'desc')
      .orderBy('clerk_updated_at', 'desc')
      .limit(1)
      .executeTakeFirst());
  if (!organization) return null;
  const members = await db
    .selectFrom('organization_memberships as m')
    .leftJoin('users as u', 'u.clerk_id', 'm.clerk_user_id')
    .select([
      'm.clerk_id',
      'm.clerk_user_id',
      'm.role',
      'm.user_id',
      'u.email',
      'u.first_name',
      'u.last_name',
    ])
    .where('m.clerk_organization_id', '=', organization.clerk_id)
    .orderBy('m.clerk_created_at')
    .orderBy('m.clerk_id')
    .execute();
  return { organization, members };
}
