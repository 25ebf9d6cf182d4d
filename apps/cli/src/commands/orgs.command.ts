import { currentPlanOf, findOrganizationWithMembers, listOrganizations } from '@usersync/core/internal';
import type { CommandContext } from '../command-context.ts';
import { CliError, EXIT, type ExitCode } from '../exit-codes.ts';
import { describePlan } from '../output/plan.ts';
import { printTable } from '../output/table.ts';

const status = (o: { is_active: boolean; deleted_at: Date | null }) =>
  o.deleted_at ? 'deleted' : o.is_active ? 'active' : 'inactive';

/** `usersync orgs list`: organizations, oldest first, with member counts. */
export async function orgsListCommand(
  ctx: CommandContext,
  options: { limit?: number; includeInactive?: boolean; json?: boolean },
): Promise<ExitCode> {
  const limit = options.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new CliError('--limit must be a whole number from 1 to 1000', EXIT.usage);
  }
  const { db } = await ctx.database();
  const organizations = await listOrganizations(db, { limit, includeInactive: options.includeInactive });
  if (options.json) {
    ctx.io.out(JSON.stringify({ organizations }, null, 2));
    return EXIT.ok;
  }
  if (organizations.length === 0) {
    ctx.io.out(options.includeInactive ? 'No organizations.' : 'No active organizations.');
    return EXIT.ok;
  }
  printTable(
    ctx.io,
    ['clerk id', 'name', 'slug', 'members', 'status'],
    organizations.map((o) => [o.clerk_id, o.name, o.slug ?? '-', String(o.members), status(o)]),
  );
  ctx.io.out(
    `${organizations.length} ${options.includeInactive ? '' : 'active '}organizations (oldest first).`,
  );
  return EXIT.ok;
}

/** `usersync orgs show <clerk-id|slug>`: one organization and its members with their roles. */
export async function orgsShowCommand(
  ctx: CommandContext,
  ref: string,
  options: { json?: boolean },
): Promise<ExitCode> {
  const { db } = await ctx.database();
  const found = await findOrganizationWithMembers(db, ref);
  if (!found) throw new CliError(`no organization with id or slug ${ref}`, EXIT.notFound);
  const plan = await currentPlanOf(db, { clerkOrganizationId: found.organization.clerk_id });
  if (options.json) {
    ctx.io.out(JSON.stringify({ ...found, plan }, null, 2));
    return EXIT.ok;
  }
  const { organization: o, members } = found;
  const date = (d: Date | null) => d?.toISOString() ?? '-';
  const rows: Array<[string, string]> = [
    ['id', o.id],
    ['clerk id', o.clerk_id],
    ['name', o.name],
    ['slug', o.slug ?? '-'],
    ['plan', describePlan(plan)],
    ['status', o.deleted_at ? `deleted ${date(o.deleted_at)}` : status(o)],
    ['clerk updated', date(o.clerk_updated_at)],
    ['public metadata', JSON.stringify(o.public_metadata)],
    ['members', String(members.length)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [key, value] of rows) ctx.io.out(`${key.padEnd(width)}  ${value}`);
  if (members.length > 0) {
    ctx.io.out('');
    printTable(
      ctx.io,
      ['user', 'email', 'name', 'role'],
      members.map((m) => [
        // A member whose user row has not arrived yet is shown by Clerk id alone.
        m.clerk_user_id + (m.user_id ? '' : ' (not synced yet)'),
        m.email ?? '-',
        [m.first_name, m.last_name].filter(Boolean).join(' ') || '-',
        m.role,
      ]),
    );
  }
  return EXIT.ok;
}
