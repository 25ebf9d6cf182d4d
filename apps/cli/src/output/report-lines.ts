import type { KindCounts, ReconcileCounts } from '@usersync/core/internal';
import type { CommandContext } from '../command-context.ts';

/** Writes one `label  value  note` line of a reconcile report. */
export type ReportLine = (label: string, value: number | string, note?: string) => void;

export function reportLine(ctx: CommandContext): ReportLine {
  return (label, value, note = '') =>
    ctx.io.out(`  ${label.padEnd(20)}${String(value).padStart(8)}${note ? `  ${note}` : ''}`);
}

/** The count lines every reconcile report shows, the same for users, organizations and memberships. */
export function printCounts(
  out: ReportLine,
  counts: KindCounts & Partial<ReconcileCounts>,
  did: boolean,
): void {
  out(did ? 'Created' : 'To create', counts.create);
  out(did ? 'Updated' : 'To update', counts.update);
  out('Unchanged', counts.unchanged);
  if (counts.newerInDatabase)
    out('Newer in database', counts.newerInDatabase, 'a webhook got there first: kept');
  if (counts.deletedInDatabase)
    out('Deleted here', counts.deletedInDatabase, 'deletion is final: kept deleted');
  if (counts.reactivate) out(did ? 'Reactivated' : 'To reactivate', counts.reactivate, 'back in Clerk');
  if (counts.invalid) out('Invalid in Clerk', counts.invalid, 'not stored; see below');
}
