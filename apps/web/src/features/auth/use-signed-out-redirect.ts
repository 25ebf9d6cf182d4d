import { useAuth } from '@clerk/react';
import { useEffect, useState } from 'react';

/** How long to let Clerk's own navigation win after a sign-out on this page. */
const SIGN_OUT_GRACE_MS = 1500;

/**
 * True when a signed-out visitor should be sent to sign-in. A visitor who arrives signed out is sent
 * at once. When the session ends while the page is open, Clerk navigates on its own (signOut goes to
 * its redirect URL first and announces the signed-out state after), and react-router may still show
 * this page for a moment: redirecting then would override Clerk's destination, so the redirect waits
 * and only happens if nothing else navigated away (e.g. a sign-out in another tab).
 */
export function useSignedOutRedirect(): boolean {
  const { isLoaded, isSignedIn } = useAuth();
  const [wasSignedIn, setWasSignedIn] = useState(false);
  const [graceOver, setGraceOver] = useState(false);
  const signedOut = isLoaded && !isSignedIn;

  useEffect(() => {
    if (isSignedIn) setWasSignedIn(true);
  }, [isSignedIn]);

  useEffect(() => {
    if (!signedOut || !wasSignedIn) return;
    const timer = setTimeout(() => setGraceOver(true), SIGN_OUT_GRACE_MS);
    return () => clearTimeout(timer);
  }, [signedOut, wasSignedIn]);

  return signedOut && (!wasSignedIn || graceOver);
}
