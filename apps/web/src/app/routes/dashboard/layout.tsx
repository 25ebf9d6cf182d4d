import { SignOutButton, UserButton, useAuth } from '@clerk/react';
import { useEffect } from 'react';
import { Navigate, NavLink, Outlet, useLocation, useOutletContext } from 'react-router-dom';
import { Logo } from '../../../components/logo.tsx';
import { SkipLink } from '../../../components/skip-link.tsx';
import { paths } from '../../../config/paths.ts';
import { useSignedOutRedirect } from '../../../features/auth/use-signed-out-redirect.ts';
import { type ProfileState, useProfile } from '../../../features/users/api/get-profile.ts';
import { useSyncUser } from '../../../features/users/api/sync-user.ts';
import type { Profile } from '../../../features/users/types.ts';
import { ApiError } from '../../../lib/api-client.ts';
import { applyTheme, readCachedTheme } from '../../../lib/theme.ts';

export interface DashboardContext {
  profile: ProfileState;
  setProfile: (profile: Profile) => void;
  reload: () => void;
}

/** The dashboard's pages read the profile loaded once by the layout. */
export function useDashboard() {
  return useOutletContext<DashboardContext>();
}

/**
 * Signed-in area: redirects visitors without a session to sign-in (keeping the page they asked for),
 * loads the profile and reconciles the cached theme with the saved one. If the profile is missing
 * (an API that answers 404 before any sync), it runs the sync once and shows its result.
 */
export function DashboardLayout() {
  const { isLoaded, isSignedIn } = useAuth();
  const location = useLocation();
  const signedIn = isLoaded && isSignedIn === true;
  const redirectToSignIn = useSignedOutRedirect();
  const { state: profileState, setProfile, reload } = useProfile({ enabled: signedIn });
  const missing =
    profileState.status === 'error' &&
    profileState.error instanceof ApiError &&
    profileState.error.status === 404;
  const fallbackSync = useSyncUser({ enabled: signedIn && missing });

  useEffect(() => {
    if (fallbackSync.state.status === 'success') setProfile(fallbackSync.state.data.profile);
  }, [fallbackSync.state, setProfile]);

  const savedTheme = profileState.status === 'success' ? profileState.profile.settings.theme : null;
  useEffect(() => {
    // The server is the source of truth; the cache only makes the first paint right.
    if (savedTheme && savedTheme !== readCachedTheme()) applyTheme(savedTheme);
  }, [savedTheme]);

  if (redirectToSignIn) {
    return (
      <Navigate to={paths.signIn.getHref(location.pathname + location.search + location.hash)} replace />
    );
  }

  // While the fallback sync runs, show it as loading; its failure is the page's error.
  const shown: ProfileState = !missing
    ? profileState
    : fallbackSync.state.status === 'error'
      ? { status: 'error', error: fallbackSync.state.error }
      : { status: 'pending' };

  const context: DashboardContext = {
    profile: shown,
    setProfile,
    reload: missing ? fallbackSync.retry : reload,
  };

  return (
    <div className="app-shell">
      <SkipLink />
      <header className="app-header">
        <div className="app-header-inner">
          <Logo to={paths.dashboard.root.getHref()} />
          <nav aria-label="Main" className="app-nav">
            <NavLink to={paths.dashboard.root.getHref()} end className="app-nav-link">
              Overview
            </NavLink>
            {profileState.status === 'success' && profileState.profile.role === 'admin' && (
              <NavLink to={paths.admin.root.getHref()} className="app-nav-link">
                Admin
              </NavLink>
            )}
          </nav>
          {/* Only for a session Clerk has confirmed: not while it loads, nor on the way to sign-in. */}
          {signedIn && (
            <div className="app-header-account">
              <div className="user-button-slot">
                <UserButton />
              </div>
              <SignOutButton redirectUrl={paths.home.getHref()}>
                <button type="button" className="button button-ghost button-small">
                  Sign out
                </button>
              </SignOutButton>
            </div>
          )}
        </div>
      </header>
      <main id="main" className="app-main">
        <Outlet context={context} />
      </main>
    </div>
  );
}

export { DashboardLayout as Component };
