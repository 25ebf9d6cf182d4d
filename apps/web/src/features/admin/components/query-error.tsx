import { ApiError } from '../../../lib/api-client.ts';

/** A failed load in the console: what failed, the API's message, and a retry. */
export function QueryError(props: { what: string; error: unknown; onRetry?: () => void }) {
  const message =
    props.error instanceof ApiError
      ? props.error.status === 403
        ? 'Your account does not have the admin role (any more).'
        : props.error.message
      : 'Something went wrong.';
  return (
    <div className="card admin-error" role="alert">
      <h2 className="status-title">Couldn’t load {props.what}</h2>
      <p className="status-message">{message}</p>
      {props.onRetry && (
        <button type="button" className="button button-secondary button-small" onClick={props.onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** The one-line message of a failed action. */
export function describeActionError(error: unknown): string {
  return error instanceof ApiError ? error.message : 'Something went wrong; try again.';
}
