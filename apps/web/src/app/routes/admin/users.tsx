import type { AdminUserStatus } from '@usersync/core/http-contract';
import { Link } from 'react-router-dom';
import { PageHeading } from '../../../components/page-heading.tsx';
import { paths } from '../../../config/paths.ts';
import { useUsers } from '../../../features/admin/api/list-users.ts';
import { LoadMore, TableSkeleton } from '../../../features/admin/components/load-more.tsx';
import { QueryError } from '../../../features/admin/components/query-error.tsx';
import { UserStatusBadge } from '../../../features/admin/components/status-badge.tsx';
import { formatDateTime, fullName } from '../../../features/admin/format.ts';
import { useUrlFilters } from '../../../features/admin/use-url-filters.ts';

/** `/admin/users`: search by email, name or Clerk id; filter by status and role. */
export function AdminUsersRoute() {
  const { search, setParam } = useUrlFilters();
  const filters = {
    q: search.get('q') ?? '',
    status: (search.get('status') ?? '') as AdminUserStatus | '',
    role: search.get('role') ?? '',
  };
  const { state, loadMore, reload } = useUsers(filters);
  return (
    <div className="page">
      <title>Users · usersync</title>
      <div className="page-header">
        <PageHeading>Users</PageHeading>
        <p className="page-lede">The users table, newest first.</p>
      </div>
      <form className="filters" aria-label="Filter users" onSubmit={(event) => event.preventDefault()}>
        <label className="field">
          <span>Search</span>
          <input
            type="search"
            defaultValue={filters.q}
            placeholder="email, name or user_…"
            onChange={(e) => setParam('q', e.target.value.trim() || null)}
          />
        </label>
        <label className="field">
          <span>Status</span>
          <select value={filters.status} onChange={(e) => setParam('status', e.target.value || null)}>
            <option value="">any</option>
            <option value="active">active</option>
            <option value="inactive">inactive</option>
            <option value="deleted">deleted</option>
          </select>
        </label>
        <label className="field">
          <span>Role</span>
          <input
            defaultValue={filters.role}
            placeholder="admin"
            onChange={(e) => setParam('role', e.target.value.trim() || null)}
          />
        </label>
      </form>
      {state.status === 'pending' && <TableSkeleton label="Loading users" />}
      {state.status === 'error' && <QueryError what="users" error={state.error} onRetry={reload} />}
      {state.status === 'success' && (
        <section className="card card-flush" aria-label="Users">
          {state.items.length === 0 ? (
            <p className="empty">No users match.</p>
          ) : (
            <div className="table-scroll">
              <table className="data-table">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Email</th>
                    <th scope="col">Role</th>
                    <th scope="col">Status</th>
                    <th scope="col" className="col-optional">
                      Member since
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {state.items.map((user) => (
                    <tr key={user.clerkId}>
                      <td>
                        <Link to={paths.admin.user.getHref(user.clerkId)}>{fullName(user)}</Link>
                        <div className="muted mono small">{user.clerkId}</div>
                      </td>
                      <td>{user.email ?? '—'}</td>
                      <td>{user.role}</td>
                      <td>
                        <UserStatusBadge status={user.status} />
                      </td>
                      <td className="col-optional">{formatDateTime(user.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <LoadMore state={state} onLoadMore={loadMore} />
        </section>
      )}
    </div>
  );
}

export { AdminUsersRoute as Component };
