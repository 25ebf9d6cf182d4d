import type { Db } from '../db/create-database.ts';
import { type PreparedStatement, runPrepared } from '../db/prepared-statement.ts';
import type { OrganizationFields, OrganizationMembershipFields } from './map-clerk-organization.ts';

// Organizations and memberships read from Clerk's Backend API (the fallback sync, reconcile) go through
// the same SQL rules as webhooks (migration 2026_11_30_0200_organizations), one statement per call.

export type OrganizationWriteOutcome = 'created' | 'updated' | 'unchanged' | 'stale' | 'deleted';
export type MembershipWriteOutcome = OrganizationWriteOutcome | 'organization-deleted' | 'user-deleted';

const WRITE_ORGANIZATION: PreparedStatement = {
  name: 'usersync_write_organization',
  text: 'SELECT usersync_write_organization($1::jsonb) AS outcome',
};
const WRITE_MEMBERSHIP: PreparedStatement = {
  name: 'usersync_write_organization_membership',
  text: 'SELECT usersync_write_organization_membership($1::jsonb, $1::jsonb -> $2::text) AS outcome',
};

/** The organization rule: newer updated_at wins, deleted ones stay deleted. */
export async function writeOrganization(
  db: Db,
  fields: OrganizationFields,
): Promise<OrganizationWriteOutcome> {
  const rows = await runPrepared<{ outcome: OrganizationWriteOutcome }>(db, WRITE_ORGANIZATION, [
    JSON.stringify(fields),
  ]);
  return rows[0]!.outcome;
}

/** The membership rule (its embedded organization first): newer wins, ended ones stay ended, links filled in. */
export async function writeOrganizationMembership(
  db: Db,
  fields: OrganizationMembershipFields,
): Promise<MembershipWriteOutcome> {
  const rows = await runPrepared<{ outcome: MembershipWriteOutcome }>(db, WRITE_MEMBERSHIP, [
    JSON.stringify(fields),
    'organization',
  ]);
  return rows[0]!.outcome;
}
