import { ClerkProvider } from '@clerk/react';
import { useLayoutEffect } from 'react';
import { type NavigateFunction, Outlet, useNavigate } from 'react-router-dom';
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
      <Outlet />
    </ClerkProvider>
  );
}

export { ClerkLayout as Component };
