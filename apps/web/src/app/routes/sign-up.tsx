import { SignUp } from '@clerk/react';
import { AuthShell } from '../../components/auth-shell.tsx';
import { ClerkFallback } from '../../components/clerk-fallback.tsx';
import { paths } from '../../config/paths.ts';
import { useRedirectTarget } from '../../features/auth/use-redirect-target.ts';

/** Clerk's sign-up; like sign-in, it ends at the callback with the requested page kept. */
export function SignUpRoute() {
  const target = useRedirectTarget();
  const callback = paths.authCallback.getHref(target);
  return (
    <AuthShell>
      <title>Create your account · usersync</title>
      <h1 className="visually-hidden" tabIndex={-1} data-page-heading="">
        Create your account
      </h1>
      <div className="clerk-slot">
        <SignUp
          routing="path"
          path={paths.signUp.routingPath}
          signInUrl={paths.signIn.getHref(target)}
          forceRedirectUrl={callback}
          signInForceRedirectUrl={callback}
          fallback={<ClerkFallback label="Loading sign-up…" />}
        />
      </div>
    </AuthShell>
  );
}

export { SignUpRoute as Component };
