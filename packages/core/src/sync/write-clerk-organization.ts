import type { Db } from '../db/create-database.ts';
import { type PreparedStatement, runPrepared } from '../db/prepared-statement.ts';
import {
  writeOrganizationFunction,
  writeOrganizationMembershipFunction,
  writeOrganizationMembershipsFunction,
  writeOrganizationsFunction,
} from '../sql-functions.ts';
import type { OrganizationFields, OrganizationMembershipFields } from './map-clerk-organization.ts';

// Organizations and memberships read from Clerk's Backend API (the fallback sync, reconcile) go through
// the same SQL rules as webhooks (sync/usersync_write_organization.sql,
// sync/usersync_write_organization_membership.sql), one statement per call; a reconcile page is one
// statement too (sync/usersync_write_organizations.sql, …_memberships.sql: the page's locks first, in one
// order).

export type OrganizationWriteOutcome = 'created' | 'updated' | 'unchanged' | 'stale' | 'deleted';
export type MembershipWriteOutcome = OrganizationWriteOutcome | 'organization-deleted' | 'user-deleted';

const WRITE_ORGANIZATION: PreparedStatement = {
  name: 'usersync_write_organization',
  text: `SELECT ${writeOrganizationFunction.name}($1::jsonb) AS outcome`,
};
const WRITE_MEMBERSHIP: PreparedStatement = {
  name: 'usersync_write_organization_membership',
  text: `SELECT ${writeOrganizationMembershipFunction.name}($1::jsonb, $1::jsonb -> $2::text) AS outcome`,
};

const WRITE_ORGANIZATIONS: PreparedStatement = {
  name: 'usersync_write_organizations',
  text: `SELECT ordinal, outcome FROM ${writeOrganizationsFunction.name}($1::jsonb)`,
};
const WRITE_MEMBERSHIPS: PreparedStatement = {
  name: 'usersync_write_organization_memberships',
  text: `SELECT ordinal, outcome FROM ${writeOrganizationMembershipsFunction.name}($1::jsonb)`,
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

/** Many organizations through the same rule, in one statement; outcomes in input order. */
export async function writeOrganizations(
  db: Db,
  organizations: readonly OrganizationFields[],
): Promise<OrganizationWriteOutcome[]> {
  return inInputOrder(db, WRITE_ORGANIZATIONS, organizations);
}

/** Many memberships (each with its embedded organization) through the same rule, in one statement. */
export async function writeOrganizationMemberships(
  db: Db,
  memberships: readonly OrganizationMembershipFields[],
): Promise<MembershipWriteOutcome[]> {
  return inInputOrder(db, WRITE_MEMBERSHIPS, memberships);
}

async function inInputOrder<O extends string>(
  db: Db,
  statement: PreparedStatement,
  items: readonly unknown[],
): Promise<O[]> {
  if (items.length === 0) return [];
  const rows = await runPrepared<{ ordinal: number; outcome: O }>(db, statement, [JSON.stringify(items)]);
  const outcomes: O[] = new Array(items.length);
  for (const row of rows) outcomes[row.ordinal - 1] = row.outcome;
  return outcomes;
}
