import type { DeliveryStatus } from '@usersync/core/http-contract';
import { PageHeading } from '../../../components/page-heading.tsx';
import { useDeliveries } from '../../../features/admin/api/list-deliveries.ts';
import { DeliveriesTable } from '../../../features/admin/components/deliveries-table.tsx';
import { DeliveryDrawer } from '../../../features/admin/components/delivery-drawer.tsx';
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
        <label className="field">
          <span>Search</span>
          <input
            type="search"
            defaultValue={filters.q}
            placeholder="svix-id, user id, email, error"
            onChange={(e) => setParam('q', e.target.value.trim() || null)}
          />
        </label>
        <label className="field">
          <span>Status</span>
          <select value={filters.status} onChange={(e) => setParam('status', e.target.value || null)}>
            <option value="">any</option>
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {status}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Type</span>
          <select value={filters.type} onChange={(e) => setParam('type', e.target.value || null)}>
            <option value="">any</option>
            {['user.created', 'user.updated', 'user.deleted'].map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Clerk user id</span>
          <input
            defaultValue={filters.clerkUserId}
            placeholder="user_…"
            onChange={(e) => setParam('clerkUserId', e.target.value.trim() || null)}
          />
        </label>
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
