import { PageHeading } from '../../../components/page-heading.tsx';
import { paths } from '../../../config/paths.ts';
import { OrganizationsCard } from '../../../features/organizations/components/organizations-card.tsx';
import { AccountErrorPanel } from '../../../features/users/components/account-error-panel.tsx';
import { ProfileCard, ProfileCardSkeleton } from '../../../features/users/components/profile-card.tsx';
import { ThemeSwitch } from '../../../features/users/components/theme-switch.tsx';
import { useDashboard } from './layout.tsx';

/** `/dashboard`: the profile from our database, the theme setting and the user's organizations. */
export function DashboardOverviewRoute() {
  const { profile, setProfile, reload } = useDashboard();
  const firstName = profile.status === 'success' ? profile.profile.firstName : null;
  return (
    <div className="page">
      <title>Dashboard · usersync</title>
      <div className="page-header">
        <PageHeading>{firstName ? `Welcome back, ${firstName}` : 'Your account'}</PageHeading>
        <p className="page-lede">
          Your profile as stored in the product’s own database, kept in step with Clerk.
        </p>
      </div>
      {profile.status === 'error' ? (
        <section className="card">
          <AccountErrorPanel
            error={profile.error}
            onRetry={reload}
            signInHref={paths.signIn.getHref(paths.dashboard.root.getHref())}
            headingLevel={2}
          />
        </section>
      ) : (
        <div className="dashboard-grid">
          {profile.status === 'success' ? <ProfileCard profile={profile.profile} /> : <ProfileCardSkeleton />}
          {profile.status === 'success' ? (
            <div className="dashboard-side">
              <ThemeSwitch profile={profile.profile} onSaved={setProfile} />
              <OrganizationsCard organizations={profile.profile.organizations} />
            </div>
          ) : (
            <section className="card settings-card" aria-busy="true" aria-label="Loading your settings">
              <span className="skeleton skeleton-line skeleton-title" />
              <span className="skeleton skeleton-block" />
            </section>
          )}
        </div>
      )}
    </div>
  );
}

export { DashboardOverviewRoute as Component };
