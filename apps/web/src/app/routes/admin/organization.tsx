import { Link, useParams } from 'react-router-dom';
import { paths } from '../../../config/paths.ts';
import { useOrganization } from '../../../features/admin/api/get-organization.ts';
import { DataTable } from '../../../features/admin/components/data-table.tsx';
import { DetailHeader, DetailPage, TableSection } from '../../../features/admin/components/detail-page.tsx';
import { formatDateTime, formatPlan } from '../../../features/admin/format.ts';

/** `/admin/organizations/:clerkId`: one organization, its Clerk Billing plan and its members. */
export function AdminOrganizationRoute() {
  const clerkId = useParams().clerkId ?? '';
  const { state, reload } = useOrganization(clerkId);
  return (
    <DetailPage title="Organization · usersync" what="the organization" state={state} reload={reload}>
      {(data) => (
        <>
          <DetailHeader name={data.organization.name} clerkId={data.organization.clerkId} />
          <section className="card" aria-label="Organization">
            <dl className="facts">
              <dt>Slug</dt>
              <dd>{data.organization.slug ?? '—'}</dd>
              <dt>Status</dt>
              <dd>{data.organization.status}</dd>
              <dt>Plan</dt>
              <dd className={data.plan?.status === 'past_due' ? 'text-danger' : undefined}>
                {formatPlan(data.plan)}
              </dd>
              <dt>Clerk updated</dt>
              <dd>{formatDateTime(data.organization.clerkUpdatedAt)}</dd>
            </dl>
          </section>
          <TableSection id="members-heading" title="Members">
            <DataTable
              rows={data.members}
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
          </TableSection>
        </>
      )}
    </DetailPage>
  );
}

export { AdminOrganizationRoute as Component };
