import { PageHeading } from '../../../components/page-heading.tsx';
import { useOverview } from '../../../features/admin/api/get-overview.ts';
import { DataTable } from '../../../features/admin/components/data-table.tsx';
import { DeliveriesChart } from '../../../features/admin/components/deliveries-chart.tsx';
import { NeedsAttention } from '../../../features/admin/components/needs-attention.tsx';
import { QueryError } from '../../../features/admin/components/query-error.tsx';
import { formatDateTime, formatDuration } from '../../../features/admin/format.ts';

/** `/admin`: is the sync healthy? Figures, deliveries per hour, and what needs attention. */
export function AdminOverviewRoute() {
  const { state, reload } = useOverview();
  return (
    <div className="page">
      <title>Console · usersync</title>
      <div className="page-header admin-page-header">
        <div>
          <PageHeading>Sync overview</PageHeading>
          <p className="page-lede">
            Deliveries from Clerk over the last 24 hours, and the users they keep in step.
          </p>
        </div>
        <button type="button" className="button button-secondary button-small" onClick={reload}>
          Refresh
        </button>
      </div>
      {state.status === 'pending' && (
        <section className="stat-grid" aria-busy="true" aria-label="Loading the overview">
          {[1, 2, 3, 4].map((n) => (
            <div key={n} className="card stat-card">
              <span className="skeleton skeleton-line" />
              <span className="skeleton skeleton-title" />
            </div>
          ))}
        </section>
      )}
      {state.status === 'error' && <QueryError what="the overview" error={state.error} onRetry={reload} />}
      {state.status === 'success' && <OverviewBody overview={state.data} />}
    </div>
  );
}

function OverviewBody({
  overview,
}: {
  overview: NonNullable<ReturnType<typeof useOverview>['state'] & { status: 'success' }>['data'];
}) {
  const { users, deliveries, organizations, lastReconcileRun, billing } = overview;
  const counts = deliveries.last24h.byStatusAndType;
  const total = counts.reduce((sum, row) => sum + row.count, 0);
  const failed = counts
    .filter((row) => row.status === 'failed' || row.status === 'invalid')
    .reduce((s, r) => s + r.count, 0);
  const reconcileAt = lastReconcileRun
    ? String(lastReconcileRun.finished_at ?? lastReconcileRun.started_at ?? lastReconcileRun.created_at ?? '')
    : null;
  return (
    <>
      <div className="stat-grid">
        <Stat
          label="Active users"
          value={users.active}
          detail={`${users.deleted} deleted · ${users.inactive} inactive`}
        />
        <Stat
          label="Deliveries (24 h)"
          value={total}
          detail={`last ${formatDateTime(deliveries.lastDeliveryAt)}`}
        />
        <Stat
          label="Failed (24 h)"
          value={failed}
          detail={`${deliveries.unrecovered.count} not recovered`}
          tone={deliveries.unrecovered.count > 0 ? 'danger' : undefined}
        />
        <Stat
          label="Lag p50 / p95"
          value={`${formatDuration(deliveries.lag.p50Ms)} / ${formatDuration(deliveries.lag.p95Ms)}`}
          detail={`${deliveries.lag.samples} in the last hour`}
        />
        {organizations !== null && <Stat label="Organizations" value={organizations} />}
        <Stat
          label="Past-due payers"
          value={billing.pastDuePayers}
          detail="Clerk Billing: users and organizations"
          tone={billing.pastDuePayers > 0 ? 'danger' : undefined}
        />
        <Stat
          label="Last reconcile"
          value={reconcileAt ? formatDateTime(reconcileAt) : 'never'}
          detail={lastReconcileRun ? String(lastReconcileRun.status ?? '') : 'usersync reconcile'}
        />
      </div>
      <NeedsAttention overview={overview} />
      <section className="card" aria-labelledby="per-hour-heading">
        <h2 id="per-hour-heading">Deliveries per hour</h2>
        <DeliveriesChart perHour={deliveries.last24h.perHour} now={overview.generatedAt} />
      </section>
      {counts.length > 0 && (
        <section className="card" aria-labelledby="by-type-heading">
          <h2 id="by-type-heading">By type and outcome (24 h)</h2>
          <DataTable
            rows={counts}
            rowKey={(row) => `${row.type}-${row.status}`}
            columns={[
              { header: 'Type', cell: (row) => row.type ?? '(unknown)' },
              { header: 'Outcome', cell: (row) => row.status },
              { header: 'Deliveries', cell: (row) => row.count },
            ]}
          />
        </section>
      )}
    </>
  );
}

function Stat(props: { label: string; value: number | string; detail?: string; tone?: 'danger' }) {
  return (
    <div className={`card stat-card${props.tone ? ` stat-${props.tone}` : ''}`}>
      <span className="stat-label">{props.label}</span>
      <span className="stat-value">{props.value}</span>
      {props.detail && <span className="stat-detail">{props.detail}</span>}
    </div>
  );
}

export { AdminOverviewRoute as Component };
