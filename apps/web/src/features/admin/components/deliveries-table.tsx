import type { DeliverySummary } from '@usersync/core/http-contract';
import { formatDateTime } from '../format.ts';
import { type Column, DataTable } from './data-table.tsx';
import { DeliveryStatusBadge } from './status-badge.tsx';

/** Deliveries as a table; the svix-id opens the detail drawer. */
export function DeliveriesTable(props: { items: DeliverySummary[]; onOpen: (svixId: string) => void }) {
  const columns: Column<DeliverySummary>[] = [
    {
      header: 'Delivery',
      cell: (delivery) => (
        <>
          <button type="button" className="link-button mono" onClick={() => props.onOpen(delivery.svixId)}>
            {delivery.svixId}
          </button>
          {delivery.source !== 'clerk' && <span className="muted"> ({delivery.source})</span>}
        </>
      ),
    },
    { header: 'Status', cell: (delivery) => <DeliveryStatusBadge status={delivery.status} /> },
    { header: 'Type', cell: (delivery) => delivery.type ?? '—' },
    {
      header: 'Clerk user',
      optional: true,
      className: 'mono',
      cell: (delivery) => delivery.clerkUserId ?? '—',
    },
    { header: 'Received', cell: (delivery) => formatDateTime(delivery.receivedAt) },
    { header: 'Error', optional: true, className: 'cell-error', cell: (delivery) => delivery.error ?? '' },
  ];
  return (
    <DataTable
      rows={props.items}
      rowKey={(delivery) => delivery.svixId}
      columns={columns}
      empty="No deliveries match."
    />
  );
}
