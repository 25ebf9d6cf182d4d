import { isRouteErrorResponse, useRouteError } from 'react-router-dom';
import { Logo } from '../../components/logo.tsx';
import { ReloadButton, StatusPanel } from '../../components/status-panel.tsx';

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
          <StatusPanel
            tone="error"
            title={chunkFailed ? 'A new version is available' : 'Something went wrong'}
            message={
              chunkFailed
                ? 'usersync was updated while this page was open. Reload to get the latest version.'
                : `An unexpected error stopped this page from loading${status ? ` (error ${status})` : ''}. Reloading usually fixes it.`
            }
            actions={
              <>
                <ReloadButton />
                <a className="button button-ghost" href="/">
                  Back to home
                </a>
              </>
            }
          />
        </section>
      </main>
    </div>
  );
}
