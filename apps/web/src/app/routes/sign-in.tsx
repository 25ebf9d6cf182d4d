import { SignIn } from '@clerk/react';
import { AuthShell } from '../../components/auth-shell.tsx';
import { ClerkFallback } from '../../components/clerk-fallback.tsx';
import { paths } from '../../config/paths.ts';
import { useRedirectTarget } from '../../features/auth/use-redirect-target.ts';

/** Clerk's sign-in. Afterwards Clerk sends the user to the callback, which carries the requested page along. */
export function SignInRoute() {
  const target = useRedirectTarget();
  const callback = paths.authCallback.getHref(target);
  return (
    <AuthShell>
      <title>Sign in · usersync</title>
      <h1 className="visually-hidden" tabIndex={-1} data-page-heading="">
        Sign in
      </h1>
      <div className="clerk-slot">
        <SignIn
          routing="path"
          path={paths.signIn.routingPath}
          signUpUrl={paths.signUp.getHref(target)}
          forceRedirectUrl={callback}
          signUpForceRedirectUrl={callback}
          fallback={<ClerkFallback label="Loading sign-in…" />}
        />
      </div>
    </AuthShell>
  );
}

export { SignInRoute as Component };
