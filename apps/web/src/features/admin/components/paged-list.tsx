import type { ReactNode } from 'react';
import { PageHeading } from '../../../components/page-heading.tsx';
import type { PagedListState } from '../api/use-paged-list.ts';
import { LoadMore, TableSkeleton } from './load-more.tsx';
import { QueryError } from './query-error.tsx';

/**
 * A console list page's body: a skeleton while the first page loads, the error with a retry, then the
 * rows (`children`) in a card with "Load more" under them.
 */
export function PagedList<T>(props: {
  /** The card's accessible name, e.g. "Deliveries". */
  label: string;
  /** What is loading, for the skeleton and the error: "deliveries", "the audit log". */
  what: string;
  list: { state: PagedListState<T>; loadMore: () => void; reload: () => void };
  children: (items: T[]) => ReactNode;
}) {
  const { state, loadMore, reload } = props.list;
  if (state.status === 'pending') return <TableSkeleton label={`Loading ${props.what}`} />;
  if (state.status === 'error') return <QueryError what={props.what} error={state.error} onRetry={reload} />;
  return (
    <section className="card card-flush" aria-label={props.label}>
      {props.children(state.items)}
      <LoadMore state={state} onLoadMore={loadMore} />
    </section>
  );
}

/** A console page: its document title, heading and one-line description, then the content. */
export function AdminPage(props: { title: string; heading: string; lede: string; children: ReactNode }) {
  return (
    <div className="page">
      <title>{`${props.title} · usersync`}</title>
      <div className="page-header">
        <PageHeading>{props.heading}</PageHeading>
        <p className="page-lede">{props.lede}</p>
      </div>
      {props.children}
    </div>
  );
}
