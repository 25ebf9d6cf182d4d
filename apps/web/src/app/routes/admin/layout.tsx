import { NavLink, Outlet } from 'react-router-dom';
import { PageHeading } from '../../../components/page-heading.tsx';
import { paths } from '../../../config/paths.ts';
import { AccountErrorPanel } from '../../../features/users/components/account-error-panel.tsx';
import { useDashboard } from '../dashboard/layout.tsx';
import '../../../features/admin/admin.css';

/**
 * `/admin`: the operator console, loaded only when visited (its code and styles are separate chunks).
 * Shown to admins only; the API checks the role on every request anyway.
 */
export function AdminLayout() {
  const { profile, reload } = useDashboard();
  if (profile.status === 'pending') {
    return (
      <section className="page" aria-busy="true" aria-label="Loading the console">
        <span className="skeleton skeleton-line skeleton-title" />
        <span className="skeleton skeleton-block" />
      </section>
    );
  }
  if (profile.status === 'error') {
    return (
      <section className="card">
        <AccountErrorPanel
          error={profile.error}
          onRetry={reload}
          signInHref={paths.signIn.getHref(paths.admin.root.getHref())}
          headingLevel={2}
        />
      </section>
    );
  }
  if (profile.profile.role !== 'admin') {
    return (
      <div className="page">
        <title>Admins only · usersync</title>
        <section className="card status-panel">
          <PageHeading className="status-title">Admins only</PageHeading>
          <p className="status-message">
            The console is for admins. An admin can give you the role, or the operator can with{' '}
            <code>usersync users set-role</code>.
          </p>
        </section>
      </div>
    );
  }
  return (
    <div className="admin">
      <nav aria-label="Console" className="admin-nav">
        <NavLink to={paths.admin.root.getHref()} end className="admin-nav-link">
          Overview
        </NavLink>
        <NavLink to={paths.admin.deliveries.getHref()} className="admin-nav-link">
          Deliveries
        </NavLink>
        <NavLink to={paths.admin.users.getHref()} className="admin-nav-link">
          Users
        </NavLink>
        <NavLink to={paths.admin.audit.getHref()} className="admin-nav-link">
          Audit
        </NavLink>
      </nav>
      <Outlet />
    </div>
  );
}

export { AdminLayout as Component };
