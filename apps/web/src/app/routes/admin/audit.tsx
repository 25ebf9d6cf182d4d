import { PageHeading } from '../../../components/page-heading.tsx';
import { useAuditLog } from '../../../features/admin/api/list-audit-log.ts';
import { AuditTable } from '../../../features/admin/components/audit-table.tsx';
import { LoadMore, TableSkeleton } from '../../../features/admin/components/load-more.tsx';
import { QueryError } from '../../../features/admin/components/query-error.tsx';

/** `/admin/audit`: every admin action (console, API, `usersync users set-role`, ADMIN_EMAILS). */
export function AdminAuditRoute() {
  const { state, loadMore, reload } = useAuditLog();
  return (
    <div className="page">
      <title>Audit · usersync</title>
      <div className="page-header">
        <PageHeading>Audit</PageHeading>
        <p className="page-lede">Who did what, to whom, and when.</p>
      </div>
      {state.status === 'pending' && <TableSkeleton label="Loading the audit log" />}
      {state.status === 'error' && <QueryError what="the audit log" error={state.error} onRetry={reload} />}
      {state.status === 'success' && (
        <section className="card card-flush" aria-label="Admin actions">
          <AuditTable items={state.items} />
          <LoadMore state={state} onLoadMore={loadMore} />
        </section>
      )}
    </div>
  );
}

export { AdminAuditRoute as Component };
