import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { PageHeading } from '../../../components/page-heading.tsx';
import { paths } from '../../../config/paths.ts';
import type { QueryState } from '../api/use-api-query.ts';
import { QueryError } from './query-error.tsx';

/**
 * A console page about one thing (a user, an organization): the way back, a skeleton while it loads,
 * the error with Try again, then the page itself once it is there.
 */
export function DetailPage<T>(props: {
  title: string;
  /** The way back; the users list when not given (every detail page is reached from it). */
  back?: { to: string; label: string };
  /** What is loading, for the skeleton's label and the error: "the user". */
  what: string;
  state: QueryState<T>;
  reload: () => void;
  children: (data: T) => ReactNode;
}) {
  const { state } = props;
  const back = props.back ?? { to: paths.admin.users.getHref(), label: 'Users' };
  return (
    <div className="page">
      <title>{props.title}</title>
      <p>
        <Link to={back.to}>← {back.label}</Link>
      </p>
      {state.status === 'pending' && (
        <section className="card" aria-busy="true" aria-label={`Loading ${props.what}`}>
          <span className="skeleton skeleton-line skeleton-title" />
          <span className="skeleton skeleton-block" />
        </section>
      )}
      {state.status === 'error' && (
        <QueryError what={props.what} error={state.error} onRetry={props.reload} />
      )}
      {state.status === 'success' && props.children(state.data)}
    </div>
  );
}

/** The heading of a detail page: the thing's name, its Clerk id, and the page's actions if any. */
export function DetailHeader(props: { name: string; clerkId: string; children?: ReactNode }) {
  return (
    <div className="page-header admin-page-header">
      <div>
        <PageHeading>{props.name}</PageHeading>
        <p className="page-lede mono">{props.clerkId}</p>
      </div>
      {props.children && <div className="header-actions">{props.children}</div>}
    </div>
  );
}

/** A titled table card of a detail page (members, deliveries): the heading labels the section. */
export function TableSection(props: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="card card-flush" aria-labelledby={props.id}>
      <h2 id={props.id} className="card-title">
        {props.title}
      </h2>
      {props.children}
    </section>
  );
}
