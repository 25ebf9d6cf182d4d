import type { AdminUserStatus, AdminUserSummary } from '@usersync/core/http-contract';
import { USER_STATUSES } from '@usersync/core/http-contract/lists';
import { Link } from 'react-router-dom';
import { paths } from '../../../config/paths.ts';
import { useUsers } from '../../../features/admin/api/list-users.ts';
import { type Column, DataTable } from '../../../features/admin/components/data-table.tsx';
import { FilterBar, type FilterField } from '../../../features/admin/components/filter-fields.tsx';
import { AdminPage, PagedList } from '../../../features/admin/components/paged-list.tsx';
import { UserStatusBadge } from '../../../features/admin/components/status-badge.tsx';
import { formatDateTime, fullName } from '../../../features/admin/format.ts';
import { useUrlFilters } from '../../../features/admin/use-url-filters.ts';

const FILTERS: FilterField[] = [
  { kind: 'text', name: 'q', label: 'Search', search: true, placeholder: 'email, name or user_…' },
  { kind: 'select', name: 'status', label: 'Status', options: USER_STATUSES },
  { kind: 'text', name: 'role', label: 'Role', placeholder: 'admin' },
];

const columns: Column<AdminUserSummary>[] = [
  {
    header: 'Name',
    cell: (user) => (
      <>
        <Link to={paths.admin.user.getHref(user.clerkId)}>{fullName(user)}</Link>
        <div className="muted mono small">{user.clerkId}</div>
      </>
    ),
  },
  { header: 'Email', cell: (user) => user.email ?? '—' },
  { header: 'Role', cell: (user) => user.role },
  { header: 'Status', cell: (user) => <UserStatusBadge status={user.status} /> },
  { header: 'Member since', optional: true, cell: (user) => formatDateTime(user.createdAt) },
];

/** `/admin/users`: search by email, name or Clerk id; filter by status and role. */
export function AdminUsersRoute() {
  const { search, setParam } = useUrlFilters();
  const filters = {
    q: search.get('q') ?? '',
    status: (search.get('status') ?? '') as AdminUserStatus | '',
    role: search.get('role') ?? '',
  };
  const list = useUsers(filters);
  return (
    <AdminPage title="Users" heading="Users" lede="The users table, newest first.">
      <FilterBar label="Filter users" fields={FILTERS} values={filters} onChange={setParam} />
      <PagedList label="Users" what="users" list={list}>
        {(items) => (
          <DataTable rows={items} rowKey={(user) => user.clerkId} columns={columns} empty="No users match." />
        )}
      </PagedList>
    </AdminPage>
  );
}

export { AdminUsersRoute as Component };
