import type { ReactNode, Ref } from 'react';

/**
 * The one status screen (progress, not found, errors): an icon, a heading that can take focus, a
 * message and the next steps. An error is announced (role="alert"); level 1 headings are the page's
 * heading, which the router focuses after a client-side navigation.
 */
export function StatusPanel(props: {
  tone?: 'neutral' | 'error';
  /** Default: "!" for errors. */
  icon?: ReactNode;
  title: ReactNode;
  headingLevel?: 1 | 2;
  headingRef?: Ref<HTMLHeadingElement>;
  message: ReactNode;
  actions?: ReactNode;
  /** Default: "alert" for errors; "status" for progress that should be read out. */
  role?: 'alert' | 'status';
}) {
  const error = props.tone === 'error';
  const icon = props.icon ?? (error ? '!' : null);
  const Heading = props.headingLevel === 2 ? 'h2' : 'h1';
  return (
    <div
      className={error ? 'status-panel status-panel-error' : 'status-panel'}
      role={props.role ?? (error ? 'alert' : undefined)}
    >
      {typeof icon === 'string' ? (
        <span className={error ? 'status-icon status-icon-error' : 'status-icon'} aria-hidden="true">
          {icon}
        </span>
      ) : (
        icon
      )}
      <Heading
        ref={props.headingRef}
        className="status-title"
        tabIndex={-1}
        {...(Heading === 'h1' && { 'data-page-heading': '' })}
      >
        {props.title}
      </Heading>
      <p className="status-message">{props.message}</p>
      {props.actions && <div className="status-actions">{props.actions}</div>}
    </div>
  );
}

/** Reloads the page: the way out when the app's own code or Clerk's script could not load. */
export function ReloadButton() {
  return (
    <button type="button" className="button button-primary" onClick={() => window.location.reload()}>
      Reload
    </button>
  );
}
