import { useAuth } from '@clerk/react';
import { useEffect } from 'react';
import { Navigate, useNavigate } from 'react-router-dom';
import { AuthShell } from '../../components/auth-shell.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { StatusPanel } from '../../components/status-panel.tsx';
import { paths } from '../../config/paths.ts';
import { useRedirectTarget } from '../../features/auth/use-redirect-target.ts';
import { useSignedOutRedirect } from '../../features/auth/use-signed-out-redirect.ts';
import { useSyncUser } from '../../features/users/api/sync-user.ts';
import { AccountErrorPanel } from '../../features/users/components/account-error-panel.tsx';
import { useAppConfig } from '../app-config.tsx';

/**
 * Where Clerk lands after sign-in / sign-up: makes sure our users row exists (POST /users/sync), then
 * continues to the page originally asked for. Every state renders in the same fixed-size card.
 */
export function AuthCallbackRoute() {
  const { isLoaded, isSignedIn } = useAuth();
  const target = useRedirectTarget();
  const navigate = useNavigate();
  const { syncRetryPolicy } = useAppConfig();
  const { state, retry } = useSyncUser({ enabled: isLoaded && isSignedIn === true });
  const redirectToSignIn = useSignedOutRedirect();

  useEffect(() => {
    if (state.status === 'success') navigate(target, { replace: true });
  }, [state, target, navigate]);

  if (redirectToSignIn) return <Navigate to={paths.signIn.getHref(target)} replace />;

  return (
    <AuthShell>
      <title>Setting up your account · usersync</title>
      <section className="card callback-card" aria-live="polite">
        {state.status === 'error' ? (
          <AccountErrorPanel
            error={state.error}
            attempts={syncRetryPolicy.attempts}
            onRetry={retry}
            signInHref={paths.signIn.getHref(target)}
          />
        ) : (
          <StatusPanel
            role="status"
            icon={<Spinner size="large" />}
            title={state.status === 'success' ? 'All set' : 'Setting up your account…'}
            message={
              state.status === 'pending' && state.attempt > 1
                ? `The server is busy — trying again (attempt ${state.attempt} of ${state.maxAttempts}).`
                : state.status === 'success'
                  ? target === paths.dashboard.root.getHref()
                    ? 'Taking you to your dashboard…'
                    : 'Taking you back to where you were…'
                  : 'This only takes a moment.'
            }
          />
        )}
      </section>
    </AuthShell>
  );
}

export { AuthCallbackRoute as Component };
