import type { DeliverySummary } from '@usersync/core/http-contract';
import { formatDateTime } from '../format.ts';
import { DeliveryStatusBadge } from './status-badge.tsx';

/** Deliveries as a table; the svix-id opens the detail drawer. */
export function DeliveriesTable(props: { items: DeliverySummary[]; onOpen: (svixId: string) => void }) {
  if (props.items.length === 0) return <p className="empty">No deliveries match.</p>;
  return (
    <div className="table-scroll">
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">Delivery</th>
            <th scope="col">Status</th>
            <th scope="col">Type</th>
            <th scope="col" className="col-optional">
              Clerk user
            </th>
            <th scope="col">Received</th>
            <th scope="col" className="col-optional">
              Error
            </th>
          </tr>
        </thead>
        <tbody>
          {props.items.map((delivery) => (
            <tr key={delivery.svixId}>
              <td>
                <button
                  type="button"
                  className="link-button mono"
                  onClick={() => props.onOpen(delivery.svixId)}
                >
                  {delivery.svixId}
                </button>
                {delivery.source !== 'clerk' && <span className="muted"> ({delivery.source})</span>}
              </td>
              <td>
                <DeliveryStatusBadge status={delivery.status} />
              </td>
              <td>{delivery.type ?? '—'}</td>
              <td className="mono col-optional">{delivery.clerkUserId ?? '—'}</td>
              <td>{formatDateTime(delivery.receivedAt)}</td>
              <td className="cell-error col-optional">{delivery.error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
