import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { PageHeading } from '../../../components/page-heading.tsx';
import { paths } from '../../../config/paths.ts';
import { useUser } from '../../../features/admin/api/get-user.ts';
import { useResyncUser } from '../../../features/admin/api/resync-user.ts';
import { ActionButton } from '../../../features/admin/components/action-button.tsx';
import { DeliveriesTable } from '../../../features/admin/components/deliveries-table.tsx';
import { describeActionError, QueryError } from '../../../features/admin/components/query-error.tsx';
import { RoleChangeDialog } from '../../../features/admin/components/role-change-dialog.tsx';
import { UserStatusBadge } from '../../../features/admin/components/status-badge.tsx';
import { formatDateTime, fullName } from '../../../features/admin/format.ts';

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
    <div className="page">
      <title>User · usersync</title>
      <p>
        <Link to={paths.admin.users.getHref()}>← Users</Link>
      </p>
      {state.status === 'pending' && (
        <section className="card" aria-busy="true" aria-label="Loading the user">
          <span className="skeleton skeleton-line skeleton-title" />
          <span className="skeleton skeleton-block" />
        </section>
      )}
      {state.status === 'error' && <QueryError what="the user" error={state.error} onRetry={reload} />}
      {state.status === 'success' && (
        <>
          <div className="page-header admin-page-header">
            <div>
              <PageHeading>{fullName(state.data.user)}</PageHeading>
              <p className="page-lede mono">{state.data.user.clerkId}</p>
            </div>
            <div className="header-actions">
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
            </div>
          </div>
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
                {state.data.user.email ?? '—'}{' '}
                {state.data.user.email && (state.data.user.emailVerified ? '(verified)' : '(not verified)')}
              </dd>
              <dt>Role</dt>
              <dd>
                <strong>{state.data.user.role}</strong>
              </dd>
              <dt>Status</dt>
              <dd>
                <UserStatusBadge status={state.data.user.status} />
              </dd>
              <dt>Theme</dt>
              <dd>{state.data.settings.theme}</dd>
              <dt>Last sign-in</dt>
              <dd>{formatDateTime(state.data.user.lastSignInAt)}</dd>
              <dt>Clerk updated</dt>
              <dd>{formatDateTime(state.data.user.clerkUpdatedAt)}</dd>
              <dt>Member since</dt>
              <dd>{formatDateTime(state.data.user.createdAt)}</dd>
              <dt>Public metadata</dt>
              <dd className="mono">{JSON.stringify(state.data.user.publicMetadata)}</dd>
            </dl>
          </section>
          {state.data.memberships !== null && (
            <section className="card" aria-labelledby="memberships-heading">
              <h2 id="memberships-heading">Organization memberships</h2>
              {state.data.memberships.length === 0 ? (
                <p className="empty">None.</p>
              ) : (
                <pre className="code-block">{JSON.stringify(state.data.memberships, null, 2)}</pre>
              )}
            </section>
          )}
          <section className="card card-flush" aria-labelledby="user-deliveries-heading">
            <h2 id="user-deliveries-heading" className="card-title">
              Deliveries
            </h2>
            <DeliveriesTable
              items={state.data.deliveries}
              onOpen={(svixId) => navigate(paths.admin.deliveries.getHref({ open: svixId }))}
            />
          </section>
          {changingRole && (
            <RoleChangeDialog
              clerkId={clerkId}
              name={fullName(state.data.user)}
              currentRole={state.data.user.role}
              roles={state.data.roles}
              onClose={() => setChangingRole(false)}
              onChanged={() => {
                setNotice('Role changed.');
                reload();
              }}
            />
          )}
        </>
      )}
    </div>
  );
}

export { AdminUserRoute as Component };
