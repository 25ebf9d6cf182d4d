import { SignIn, SignUp } from '@clerk/react';
import { AuthShell } from '../../components/auth-shell.tsx';
import { ClerkFallback } from '../../components/clerk-fallback.tsx';
import { paths } from '../../config/paths.ts';
import { useRedirectTarget } from '../../features/auth/use-redirect-target.ts';

const PAGES = {
  'sign-in': { title: 'Sign in', loading: 'Loading sign-in…', own: paths.signIn, other: paths.signUp },
  'sign-up': {
    title: 'Create your account',
    loading: 'Loading sign-up…',
    own: paths.signUp,
    other: paths.signIn,
  },
} as const;

/**
 * Clerk's sign-in or sign-up. Either ends at the callback, which carries the requested page along;
 * the link to the other one keeps it too.
 */
function ClerkAuthPage({ kind }: { kind: keyof typeof PAGES }) {
  const page = PAGES[kind];
  const target = useRedirectTarget();
  const callback = paths.authCallback.getHref(target);
  const common = {
    routing: 'path' as const,
    path: page.own.routingPath,
    forceRedirectUrl: callback,
    fallback: <ClerkFallback label={page.loading} />,
  };
  return (
    <AuthShell>
      <title>{`${page.title} · usersync`}</title>
      <h1 className="visually-hidden" tabIndex={-1} data-page-heading="">
        {page.title}
      </h1>
      <div className="clerk-slot">
        {kind === 'sign-in' ? (
          <SignIn {...common} signUpUrl={page.other.getHref(target)} signUpForceRedirectUrl={callback} />
        ) : (
          <SignUp {...common} signInUrl={page.other.getHref(target)} signInForceRedirectUrl={callback} />
        )}
      </div>
    </AuthShell>
  );
}

export const SignInRoute = () => <ClerkAuthPage kind="sign-in" />;
export const SignUpRoute = () => <ClerkAuthPage kind="sign-up" />;
