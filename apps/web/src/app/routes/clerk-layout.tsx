import { ClerkProvider } from '@clerk/react';
import { Outlet, useNavigate } from 'react-router-dom';
import { paths } from '../../config/paths.ts';
import { useAppConfig } from '../app-config.tsx';

/**
 * Wraps every route that needs Clerk. A lazy route of its own so the landing page loads without
 * @clerk/react (about a quarter of the JavaScript); see docs/decisions/023. Inside the router, so
 * Clerk's components navigate with react-router instead of full page loads.
 */
export function ClerkLayout() {
  const navigate = useNavigate();
  const config = useAppConfig();
  return (
    <ClerkProvider
      publishableKey={config.clerkPublishableKey}
      Clerk={config.clerk}
      routerPush={(to) => navigate(to)}
      routerReplace={(to) => navigate(to, { replace: true })}
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
