import { isRouteErrorResponse, useRouteError } from 'react-router-dom';
import { Logo } from '../../components/logo.tsx';

/**
 * Last-resort error screen for render errors and failed chunk loads (e.g. after a deploy replaced the
 * files this tab was using). Rendered outside ClerkProvider, so it uses no Clerk hooks.
 */
export function RouteErrorBoundary() {
  const error = useRouteError();
  const chunkFailed =
    error instanceof Error && /dynamically imported module|Importing a module script/i.test(error.message);
  const status = isRouteErrorResponse(error) ? error.status : null;
  return (
    <div className="auth-shell">
      <header className="auth-shell-header">
        <Logo />
      </header>
      <main id="main" className="auth-shell-main">
        <section className="card callback-card">
          <div className="status-panel status-panel-error" role="alert">
            <span className="status-icon status-icon-error" aria-hidden="true">
              !
            </span>
            <h1 className="status-title">
              {chunkFailed ? 'A new version is available' : 'Something went wrong'}
            </h1>
            <p className="status-message">
              {chunkFailed
                ? 'usersync was updated while this page was open. Reload to get the latest version.'
                : `An unexpected error stopped this page from loading${status ? ` (error ${status})` : ''}. Reloading usually fixes it.`}
            </p>
            <div className="status-actions">
              <button
                type="button"
                className="button button-primary"
                onClick={() => window.location.reload()}
              >
                Reload
              </button>
              <a className="button button-ghost" href="/">
                Back to home
              </a>
            </div>
          </div>
        </section>
      </main>
    </div>
  );
}
