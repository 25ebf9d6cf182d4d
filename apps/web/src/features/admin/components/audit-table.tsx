import type { AuditEntry } from '@usersync/core/http-contract';
import { Link } from 'react-router-dom';
import { paths } from '../../../config/paths.ts';
import { formatDateTime } from '../format.ts';

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

/** Admin actions, newest first: who, what, target, before → after, when. */
export function AuditTable(props: { items: AuditEntry[] }) {
  if (props.items.length === 0) return <p className="empty">No admin actions yet.</p>;
  return (
    <div className="table-scroll">
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">Change</th>
          </tr>
        </thead>
        <tbody>
          {props.items.map((entry) => (
            <tr key={entry.id}>
              <td>{formatDateTime(entry.createdAt)}</td>
              <td>{entry.actorEmail ?? entry.actor}</td>
              <td className="mono">{entry.action}</td>
              <td className="mono">
                {entry.targetType === 'user' ? (
                  <Link to={paths.admin.user.getHref(entry.targetId)}>{entry.targetId}</Link>
                ) : (
                  <Link to={paths.admin.deliveries.getHref({ open: entry.targetId })}>{entry.targetId}</Link>
                )}
              </td>
              <td>{describeChange(entry)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
