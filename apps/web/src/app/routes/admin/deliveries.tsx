import type { DeliveryStatus } from '@usersync/core/http-contract';
import { CLERK_EVENT_TYPES, DELIVERY_STATUSES } from '@usersync/core/http-contract/lists';
import { useDeliveries } from '../../../features/admin/api/list-deliveries.ts';
import { DeliveriesTable } from '../../../features/admin/components/deliveries-table.tsx';
import { DeliveryDrawer } from '../../../features/admin/components/delivery-drawer.tsx';
import { FilterBar, type FilterField } from '../../../features/admin/components/filter-fields.tsx';
import { AdminPage, PagedList } from '../../../features/admin/components/paged-list.tsx';
import { useUrlFilters } from '../../../features/admin/use-url-filters.ts';

const FILTERS: FilterField[] = [
  { kind: 'text', name: 'q', label: 'Search', search: true, placeholder: 'svix-id, user id, email, error' },
  { kind: 'select', name: 'status', label: 'Status', options: DELIVERY_STATUSES },
  { kind: 'select', name: 'type', label: 'Type', options: CLERK_EVENT_TYPES },
  { kind: 'text', name: 'clerkUserId', label: 'Clerk user id', placeholder: 'user_…' },
];

/** `/admin/deliveries`: the delivery log with filters (kept in the URL) and a detail drawer (`?open=`). */
export function AdminDeliveriesRoute() {
  const { search, setParam } = useUrlFilters();
  const filters = {
    status: (search.get('status') ?? '') as DeliveryStatus | '',
    type: search.get('type') ?? '',
    clerkUserId: search.get('clerkUserId') ?? '',
    q: search.get('q') ?? '',
  };
  const list = useDeliveries(filters);
  const open = search.get('open');

  return (
    <AdminPage
      title="Deliveries"
      heading="Deliveries"
      lede="Every webhook delivery from Clerk, and every replay, newest first."
    >
      <FilterBar label="Filter deliveries" fields={FILTERS} values={filters} onChange={setParam} />
      <PagedList label="Deliveries" what="deliveries" list={list}>
        {(items) => (
          <DeliveriesTable items={items} onOpen={(svixId) => setParam('open', svixId, { push: true })} />
        )}
      </PagedList>
      {open && (
        <DeliveryDrawer svixId={open} onClose={() => setParam('open', null)} onReplayed={list.reload} />
      )}
    </AdminPage>
  );
}

export { AdminDeliveriesRoute as Component };
