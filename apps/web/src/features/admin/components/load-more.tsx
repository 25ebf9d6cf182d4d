import type { PagedListState } from '../api/use-paged-list.ts';
import { describeActionError } from './query-error.tsx';

/** "Load more" under a paged list, with its own loading and error state. */
export function LoadMore<T>(props: { state: PagedListState<T>; onLoadMore: () => void }) {
  const { state } = props;
  if (state.status !== 'success' || (!state.nextCursor && !state.moreError)) return null;
  return (
    <div className="load-more">
      {state.moreError ? (
        <p role="alert" className="action-error">
          {describeActionError(state.moreError)}
        </p>
      ) : null}
      {state.nextCursor && (
        <button
          type="button"
          className="button button-secondary"
          onClick={props.onLoadMore}
          disabled={state.loadingMore}
        >
          {state.loadingMore ? 'Loading…' : 'Load more'}
        </button>
      )}
    </div>
  );
}

export function TableSkeleton(props: { label: string }) {
  return (
    <section className="card" aria-busy="true" aria-label={props.label}>
      <span className="skeleton skeleton-line" />
      <span className="skeleton skeleton-line" />
      <span className="skeleton skeleton-line" />
    </section>
  );
}
