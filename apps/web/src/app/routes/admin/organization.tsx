import { Link, useParams } from 'react-router-dom';
import { PageHeading } from '../../../components/page-heading.tsx';
import { paths } from '../../../config/paths.ts';
import { useOrganization } from '../../../features/admin/api/get-organization.ts';
import { DataTable } from '../../../features/admin/components/data-table.tsx';
import { QueryError } from '../../../features/admin/components/query-error.tsx';
import { formatDateTime, formatPlan } from '../../../features/admin/format.ts';

/** `/admin/organizations/:clerkId`: one organization, its Clerk Billing plan and its members. */
export function AdminOrganizationRoute() {
  const clerkId = useParams().clerkId ?? '';
  const { state, reload } = useOrganization(clerkId);
  return (
    <div className="page">
      <title>Organization · usersync</title>
      <p>
        <Link to={paths.admin.users.getHref()}>← Users</Link>
      </p>
      {state.status === 'pending' && (
        <section className="card" aria-busy="true" aria-label="Loading the organization">
          <span className="skeleton skeleton-line skeleton-title" />
          <span className="skeleton skeleton-block" />
        </section>
      )}
      {state.status === 'error' && (
        <QueryError what="the organization" error={state.error} onRetry={reload} />
      )}
      {state.status === 'success' && (
        <>
          <div className="page-header admin-page-header">
            <div>
              <PageHeading>{state.data.organization.name}</PageHeading>
              <p className="page-lede mono">{state.data.organization.clerkId}</p>
            </div>
          </div>
          <section className="card" aria-label="Organization">
            <dl className="facts">
              <dt>Slug</dt>
              <dd>{state.data.organization.slug ?? '—'}</dd>
              <dt>Status</dt>
              <dd>{state.data.organization.status}</dd>
              <dt>Plan</dt>
              <dd className={state.data.plan?.status === 'past_due' ? 'text-danger' : undefined}>
                {formatPlan(state.data.plan)}
              </dd>
              <dt>Clerk updated</dt>
              <dd>{formatDateTime(state.data.organization.clerkUpdatedAt)}</dd>
            </dl>
          </section>
          <section className="card card-flush" aria-labelledby="members-heading">
            <h2 id="members-heading" className="card-title">
              Members
            </h2>
            <DataTable
              rows={state.data.members}
              rowKey={(m) => m.clerkUserId}
              empty="No members."
              columns={[
                {
                  header: 'Member',
                  cell: (m) => (
                    <Link to={paths.admin.user.getHref(m.clerkUserId)}>
                      {m.name ?? m.email ?? m.clerkUserId}
                    </Link>
                  ),
                },
                { header: 'Email', cell: (m) => m.email ?? '—' },
                { header: 'Role', cell: (m) => m.role },
              ]}
            />
          </section>
        </>
      )}
    </div>
  );
}

export { AdminOrganizationRoute as Component };
