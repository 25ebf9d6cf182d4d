import { Link } from 'react-router-dom';
import { AuthShell } from '../../components/auth-shell.tsx';
import { StatusPanel } from '../../components/status-panel.tsx';

export function NotFoundRoute() {
  return (
    <AuthShell>
      <title>Page not found · usersync</title>
      <section className="card callback-card">
        <StatusPanel
          icon="?"
          title="Page not found"
          message="The page you asked for doesn’t exist or has moved."
          actions={
            <Link className="button button-primary" to="/">
              Back to home
            </Link>
          }
        />
      </section>
    </AuthShell>
  );
}

export { NotFoundRoute as Component };
