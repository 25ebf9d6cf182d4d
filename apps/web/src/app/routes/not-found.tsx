import { Link } from 'react-router-dom';
import { AuthShell } from '../../components/auth-shell.tsx';
import { PageHeading } from '../../components/page-heading.tsx';

export function NotFoundRoute() {
  return (
    <AuthShell>
      <title>Page not found · usersync</title>
      <section className="card callback-card">
        <div className="status-panel">
          <span className="status-icon" aria-hidden="true">
            ?
          </span>
          <PageHeading className="status-title">Page not found</PageHeading>
          <p className="status-message">The page you asked for doesn’t exist or has moved.</p>
          <div className="status-actions">
            <Link className="button button-primary" to="/">
              Back to home
            </Link>
          </div>
        </div>
      </section>
    </AuthShell>
  );
}

export { NotFoundRoute as Component };
