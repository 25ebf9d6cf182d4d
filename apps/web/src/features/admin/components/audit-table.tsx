import type { AuditEntry } from '@usersync/core/http-contract';
import { Link } from 'react-router-dom';
import { paths } from '../../../config/paths.ts';
import { formatDateTime } from '../format.ts';
import { type Column, DataTable } from './data-table.tsx';

function describeChange(entry: AuditEntry): string {
  const pairs = (value: Record<string, unknown> | null) =>
    value
      ? Object.entries(value)
          .map(([k, v]) => `${k}: ${String(v)}`)
          .join(', ')
      : '';
  const before = pairs(entry.before);
  const after = pairs(entry.after);
  return before ? `${before} → ${after}` : after;
}

const columns: Column<AuditEntry>[] = [
  { header: 'When', cell: (entry) => formatDateTime(entry.createdAt) },
  { header: 'Who', cell: (entry) => entry.actorEmail ?? entry.actor },
  { header: 'Action', className: 'mono', cell: (entry) => entry.action },
  {
    header: 'Target',
    className: 'mono',
    cell: (entry) =>
      entry.targetType === 'user' ? (
        <Link to={paths.admin.user.getHref(entry.targetId)}>{entry.targetId}</Link>
      ) : (
        <Link to={paths.admin.deliveries.getHref({ open: entry.targetId })}>{entry.targetId}</Link>
      ),
  },
  { header: 'Change', cell: describeChange },
];

/** Admin actions, newest first: who, what, target, before → after, when. */
export function AuditTable(props: { items: AuditEntry[] }) {
  return (
    <DataTable
      rows={props.items}
      rowKey={(entry) => entry.id}
      columns={columns}
      empty="No admin actions yet."
    />
  );
}
