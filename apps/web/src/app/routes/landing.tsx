import { Link } from 'react-router-dom';
import { Logo } from '../../components/logo.tsx';
import { PageHeading } from '../../components/page-heading.tsx';
import { SkipLink } from '../../components/skip-link.tsx';
import { paths } from '../../config/paths.ts';

const FEATURES = [
  {
    title: 'Webhooks you can trust',
    text: 'Every Clerk event is verified on its raw bytes, applied once, and never lets an older event overwrite a newer one.',
  },
  {
    title: 'A safety net on sign-in',
    text: 'If a webhook is late or lost, the first sign-in creates the row itself — your app never waits on a missing user.',
  },
  {
    title: 'Your data, your database',
    text: 'Roles, preferences and settings live in your own Postgres, next to the rest of your product.',
  },
];

/**
 * `/`: what usersync is, with sign-in and sign-up. Deliberately Clerk-free so it loads fast; a visitor
 * who is already signed in goes straight on from the sign-in page (Clerk redirects them).
 */
export function LandingRoute() {
  return (
    <div className="landing">
      <title>usersync — your users table, always in step with Clerk</title>
      <SkipLink />
      <header className="site-header">
        <Logo />
        <nav aria-label="Account" className="site-header-actions">
          <Link className="button button-ghost" to={paths.signIn.getHref()}>
            Sign in
          </Link>
        </nav>
      </header>
      <main id="main" className="landing-main">
        <section className="hero" aria-labelledby="hero-title">
          <p className="eyebrow">Clerk × Postgres</p>
          <PageHeading id="hero-title" className="hero-title">
            Your users table, always in step with Clerk.
          </PageHeading>
          <p className="hero-lede">
            usersync keeps a <code>users</code> table in your own database current with every sign-up, profile
            change and deletion — correct under retries, reordering and outages.
          </p>
          <div className="hero-actions">
            <Link className="button button-primary button-large" to={paths.signUp.getHref()}>
              Create an account
            </Link>
            <Link className="button button-secondary button-large" to={paths.signIn.getHref()}>
              Sign in
            </Link>
          </div>
        </section>
        <section className="feature-grid" aria-label="What usersync does">
          {FEATURES.map((feature) => (
            <article key={feature.title} className="card feature-card">
              <h2>{feature.title}</h2>
              <p>{feature.text}</p>
            </article>
          ))}
        </section>
      </main>
      <footer className="site-footer">
        <p>usersync · open source · MIT</p>
      </footer>
    </div>
  );
}

export { LandingRoute as Component };
