import { ClerkProvider, useClerk } from '@clerk/react';
import { useEffect, useLayoutEffect, useState } from 'react';
import { type NavigateFunction, Outlet, useNavigate } from 'react-router-dom';
import { AuthShell } from '../../components/auth-shell.tsx';
import { ReloadButton, StatusPanel } from '../../components/status-panel.tsx';
import { paths } from '../../config/paths.ts';
import { useAppConfig } from '../app-config.tsx';

/**
 * @clerk/react keeps one Clerk instance per page and hands it the router callbacks from the render
 * that created it. React may discard that render (and react-router ignores navigate() calls from
 * components that never mounted), so the callbacks go through the navigate of the mounted layout.
 */
let mountedNavigate: NavigateFunction | null = null;
const routerPush = (to: string) => (mountedNavigate ? mountedNavigate(to) : window.location.assign(to));
const routerReplace = (to: string) =>
  mountedNavigate ? mountedNavigate(to, { replace: true }) : window.location.replace(to);

/**
 * Wraps every route that needs Clerk. A lazy route of its own so the landing page loads without
 * @clerk/react (about a third of the JavaScript); see docs/decisions/023. Inside the router, so
 * Clerk's components navigate with react-router instead of full page loads.
 */
export function ClerkLayout() {
  const navigate = useNavigate();
  const config = useAppConfig();
  useLayoutEffect(() => {
    mountedNavigate = navigate;
    return () => {
      if (mountedNavigate === navigate) mountedNavigate = null;
    };
  }, [navigate]);
  return (
    <ClerkProvider
      publishableKey={config.clerkPublishableKey}
      Clerk={config.clerk}
      routerPush={routerPush}
      routerReplace={routerReplace}
      signInUrl={paths.signIn.routingPath}
      signUpUrl={paths.signUp.routingPath}
      afterSignOutUrl={paths.home.getHref()}
      appearance={{ variables: { colorPrimary: '#4f46e5', borderRadius: '0.625rem' } }}
    >
      <ClerkGate />
    </ClerkProvider>
  );
}

/** When Clerk's script cannot load (offline, blocked by an extension or a CSP), say so instead of spinning. */
function ClerkGate() {
  if (useClerkStatus() !== 'error') return <Outlet />;
  return (
    <AuthShell>
      <title>Sign-in unavailable · usersync</title>
      <section className="card callback-card">
        <StatusPanel
          tone="error"
          title="Sign-in couldn’t load"
          message="We couldn’t reach Clerk, our sign-in provider. Check your connection or any content blocker, then reload."
          actions={<ReloadButton />}
        />
      </section>
    </AuthShell>
  );
}

export { ClerkLayout as Component };

/**
 * Clerk's load status. Subscribed here with `notify` because a load that fails before ClerkProvider's
 * own listener is attached would otherwise never re-render the page.
 */
function useClerkStatus() {
  const clerk = useClerk();
  const [status, setStatus] = useState<string>(clerk.status);
  useEffect(() => {
    const onStatus = (next: string) => setStatus(next);
    clerk.on('status', onStatus, { notify: true });
    return () => clerk.off('status', onStatus);
  }, [clerk]);
  return status;
}
