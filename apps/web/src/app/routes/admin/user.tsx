import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { paths } from '../../../config/paths.ts';
import { useUser } from '../../../features/admin/api/get-user.ts';
import { useResyncUser } from '../../../features/admin/api/resync-user.ts';
import { ActionButton } from '../../../features/admin/components/action-button.tsx';
import { DeliveriesTable } from '../../../features/admin/components/deliveries-table.tsx';
import { DetailHeader, DetailPage, TableSection } from '../../../features/admin/components/detail-page.tsx';
import { describeActionError } from '../../../features/admin/components/query-error.tsx';
import { RoleChangeDialog } from '../../../features/admin/components/role-change-dialog.tsx';
import { UserStatusBadge } from '../../../features/admin/components/status-badge.tsx';
import { formatDateTime, formatPlan, fullName } from '../../../features/admin/format.ts';

/** `/admin/users/:clerkId`: one user, their deliveries, role change and resync. */
export function AdminUserRoute() {
  const clerkId = useParams().clerkId ?? '';
  const navigate = useNavigate();
  const { state, reload } = useUser(clerkId);
  const resync = useResyncUser();
  const [changingRole, setChangingRole] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  async function onResync() {
    setNotice(null);
    const result = await resync.run(clerkId);
    if (result) {
      setNotice(`Resynced from Clerk: ${result.outcome}.`);
      reload();
    }
  }

  return (
    <DetailPage title="User · usersync" what="the user" state={state} reload={reload}>
      {(data) => (
        <>
          <DetailHeader name={fullName(data.user)} clerkId={data.user.clerkId}>
            <button type="button" className="button button-secondary" onClick={() => setChangingRole(true)}>
              Change role
            </button>
            <ActionButton
              variant="secondary"
              state={resync.state}
              label="Resync from Clerk"
              runningLabel="Resyncing…"
              onClick={onResync}
            />
          </DetailHeader>
          <div aria-live="polite">
            {notice && (
              <p role="status" className="action-result">
                {notice}
              </p>
            )}
            {resync.state.status === 'error' && (
              <p role="alert" className="action-result action-error">
                Resync failed: {describeActionError(resync.state.error)}
              </p>
            )}
          </div>
          <section className="card" aria-label="Profile">
            <dl className="facts">
              <dt>Email</dt>
              <dd>
                {data.user.email ?? '—'}{' '}
                {data.user.email && (data.user.emailVerified ? '(verified)' : '(not verified)')}
              </dd>
              <dt>Role</dt>
              <dd>
                <strong>{data.user.role}</strong>
              </dd>
              <dt>Status</dt>
              <dd>
                <UserStatusBadge status={data.user.status} />
              </dd>
              <dt>Banned</dt>
              <dd>
                {data.user.banned ? (
                  <strong className="text-danger">Yes: the API refuses them (403)</strong>
                ) : (
                  'No'
                )}
              </dd>
              <dt>Locked</dt>
              <dd>{data.user.locked ? 'Yes: a temporary lockout in Clerk (not a ban)' : 'No'}</dd>
              <dt>Plan</dt>
              <dd>{formatPlan(data.plan)}</dd>
              <dt>Theme</dt>
              <dd>{data.settings.theme}</dd>
              <dt>Last sign-in</dt>
              <dd>{formatDateTime(data.user.lastSignInAt)}</dd>
              <dt>Clerk updated</dt>
              <dd>{formatDateTime(data.user.clerkUpdatedAt)}</dd>
              <dt>Member since</dt>
              <dd>{formatDateTime(data.user.createdAt)}</dd>
              <dt>Public metadata</dt>
              <dd className="mono">{JSON.stringify(data.user.publicMetadata)}</dd>
            </dl>
          </section>
          {data.memberships !== null && (
            <section className="card" aria-labelledby="memberships-heading">
              <h2 id="memberships-heading">Organization memberships</h2>
              {data.memberships.length === 0 ? (
                <p className="empty">None.</p>
              ) : (
                <>
                  <ul>
                    {data.memberships.map((m) => (
                      <li key={String(m.clerk_id)}>
                        <Link to={paths.admin.organization.getHref(String(m.clerk_organization_id))}>
                          {String(m.clerk_organization_id)}
                        </Link>{' '}
                        · {String(m.role)}
                      </li>
                    ))}
                  </ul>
                  <pre className="code-block">{JSON.stringify(data.memberships, null, 2)}</pre>
                </>
              )}
            </section>
          )}
          <TableSection id="user-deliveries-heading" title="Deliveries">
            <DeliveriesTable
              items={data.deliveries}
              onOpen={(svixId) => navigate(paths.admin.deliveries.getHref({ open: svixId }))}
            />
          </TableSection>
          {changingRole && (
            <RoleChangeDialog
              clerkId={clerkId}
              name={fullName(data.user)}
              currentRole={data.user.role}
              roles={data.roles}
              onClose={() => setChangingRole(false)}
              onChanged={() => {
                setNotice('Role changed.');
                reload();
              }}
            />
          )}
        </>
      )}
    </DetailPage>
  );
}

export { AdminUserRoute as Component };
