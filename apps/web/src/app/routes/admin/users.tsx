import type { AdminUserStatus } from '@usersync/core/http-contract';
import { Link } from 'react-router-dom';
import { PageHeading } from '../../../components/page-heading.tsx';
import { paths } from '../../../config/paths.ts';
import { useUsers } from '../../../features/admin/api/list-users.ts';
import { SelectFilter, TextFilter } from '../../../features/admin/components/filter-fields.tsx';
import { LoadMore, TableSkeleton } from '../../../features/admin/components/load-more.tsx';
import { QueryError } from '../../../features/admin/components/query-error.tsx';
import { UserStatusBadge } from '../../../features/admin/components/status-badge.tsx';
import { formatDateTime, fullName } from '../../../features/admin/format.ts';
import { useUrlFilters } from '../../../features/admin/use-url-filters.ts';

const USER_STATUSES: AdminUserStatus[] = ['active', 'inactive', 'deleted'];

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
        <TextFilter
          label="Search"
          search
          value={filters.q}
          placeholder="email, name or user_…"
          onChange={(value) => setParam('q', value)}
        />
        <SelectFilter
          label="Status"
          value={filters.status}
          options={USER_STATUSES}
          onChange={(value) => setParam('status', value)}
        />
        <TextFilter
          label="Role"
          value={filters.role}
          placeholder="admin"
          onChange={(value) => setParam('role', value)}
        />
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
