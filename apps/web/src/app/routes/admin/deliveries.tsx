import type { DeliveryStatus } from '@usersync/core/http-contract';
import { PageHeading } from '../../../components/page-heading.tsx';
import { useDeliveries } from '../../../features/admin/api/list-deliveries.ts';
import { DeliveriesTable } from '../../../features/admin/components/deliveries-table.tsx';
import { DeliveryDrawer } from '../../../features/admin/components/delivery-drawer.tsx';
import { SelectFilter, TextFilter } from '../../../features/admin/components/filter-fields.tsx';
import { LoadMore, TableSkeleton } from '../../../features/admin/components/load-more.tsx';
import { QueryError } from '../../../features/admin/components/query-error.tsx';
import { useUrlFilters } from '../../../features/admin/use-url-filters.ts';

const STATUSES: DeliveryStatus[] = [
  'applied',
  'duplicate',
  'stale',
  'ignored',
  'invalid',
  'failed',
  'received',
];
const TYPES = ['user.created', 'user.updated', 'user.deleted'];

/** `/admin/deliveries`: the delivery log with filters (kept in the URL) and a detail drawer (`?open=`). */
export function AdminDeliveriesRoute() {
  const { search, setParam } = useUrlFilters();
  const filters = {
    status: (search.get('status') ?? '') as DeliveryStatus | '',
    type: search.get('type') ?? '',
    clerkUserId: search.get('clerkUserId') ?? '',
    q: search.get('q') ?? '',
  };
  const { state, loadMore, reload } = useDeliveries(filters);
  const open = search.get('open');

  return (
    <div className="page">
      <title>Deliveries · usersync</title>
      <div className="page-header">
        <PageHeading>Deliveries</PageHeading>
        <p className="page-lede">Every webhook delivery from Clerk, and every replay, newest first.</p>
      </div>
      <form className="filters" aria-label="Filter deliveries" onSubmit={(event) => event.preventDefault()}>
        <TextFilter
          label="Search"
          search
          value={filters.q}
          placeholder="svix-id, user id, email, error"
          onChange={(value) => setParam('q', value)}
        />
        <SelectFilter
          label="Status"
          value={filters.status}
          options={STATUSES}
          onChange={(value) => setParam('status', value)}
        />
        <SelectFilter
          label="Type"
          value={filters.type}
          options={TYPES}
          onChange={(value) => setParam('type', value)}
        />
        <TextFilter
          label="Clerk user id"
          value={filters.clerkUserId}
          placeholder="user_…"
          onChange={(value) => setParam('clerkUserId', value)}
        />
      </form>
      {state.status === 'pending' && <TableSkeleton label="Loading deliveries" />}
      {state.status === 'error' && <QueryError what="deliveries" error={state.error} onRetry={reload} />}
      {state.status === 'success' && (
        <section className="card card-flush" aria-label="Deliveries">
          <DeliveriesTable
            items={state.items}
            onOpen={(svixId) => setParam('open', svixId, { push: true })}
          />
          <LoadMore state={state} onLoadMore={loadMore} />
        </section>
      )}
      {open && <DeliveryDrawer svixId={open} onClose={() => setParam('open', null)} onReplayed={reload} />}
    </div>
  );
}

export { AdminDeliveriesRoute as Component };
