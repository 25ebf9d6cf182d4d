import { useClerk } from '@clerk/react';
import { useLayoutEffect, useRef } from 'react';
import { Link } from 'react-router-dom';
import { StatusPanel } from '../../../components/status-panel.tsx';
import { describeAccountError } from '../describe-account-error.ts';

/**
 * The error state of the callback and the dashboard: a heading that takes focus (so it is announced),
 * a message, and one clear next step.
 */
export function AccountErrorPanel(props: {
  error: unknown;
  attempts?: number;
  onRetry: () => void;
  signInHref: string;
  headingLevel?: 1 | 2;
}) {
  const description = describeAccountError(props.error, props.attempts);
  const { signOut } = useClerk();
  const headingRef = useRef<HTMLHeadingElement>(null);
  // Layout effect: focus moves in the same commit that shows the heading, so nothing (a screen reader,
  // a test querying the heading) sees it without focus while a passive effect waits to be flushed.
  useLayoutEffect(() => {
    headingRef.current?.focus();
  }, []);
  return (
    <StatusPanel
      tone="error"
      title={description.title}
      headingLevel={props.headingLevel}
      headingRef={headingRef}
      message={description.message}
      actions={
        <>
          {description.action === 'retry' && (
            <button type="button" className="button button-primary" onClick={props.onRetry}>
              Try again
            </button>
          )}
          {description.action === 'sign-in' && (
            // The API refused this session: end it, or the sign-in page would send us straight back here.
            <button
              type="button"
              className="button button-primary"
              onClick={() => signOut({ redirectUrl: props.signInHref })}
            >
              Sign in again
            </button>
          )}
          {description.action === 'sign-out' ? (
            <button
              type="button"
              className="button button-primary"
              onClick={() => signOut({ redirectUrl: '/' })}
            >
              Sign out
            </button>
          ) : (
            <Link className="button button-ghost" to="/">
              Back to home
            </Link>
          )}
        </>
      }
    />
  );
}
