import { useClerk } from '@clerk/react';
import { useEffect, useRef } from 'react';
import { Link } from 'react-router-dom';
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
  headingLevel?: 'h1' | 'h2';
}) {
  const description = describeAccountError(props.error, props.attempts);
  const { signOut } = useClerk();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    headingRef.current?.focus();
  }, []);
  const Heading = props.headingLevel ?? 'h1';
  return (
    <div className="status-panel status-panel-error" role="alert">
      <span className="status-icon status-icon-error" aria-hidden="true">
        !
      </span>
      <Heading ref={headingRef} tabIndex={-1} className="status-title">
        {description.title}
      </Heading>
      <p className="status-message">{description.message}</p>
      <div className="status-actions">
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
      </div>
    </div>
  );
}
