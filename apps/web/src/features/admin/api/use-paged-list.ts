import type { Paged } from '@usersync/core/http-contract';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiClient } from '../../../lib/api-client.ts';
import { useApiClient } from '../../../lib/use-api-client.ts';

export type PagedListState<T> =
  | { status: 'pending' }
  | { status: 'error'; error: unknown }
  | { status: 'success'; items: T[]; nextCursor: string | null; loadingMore: boolean; moreError: unknown };

/**
 * A cursor-paged admin list: the first page loads whenever `key` (the filters) changes; loadMore()
 * appends the next page; reload() refreshes the first page in place. Results of an older filter never
 * overwrite a newer one.
 */
export function usePagedList<T>(
  key: string,
  fetchPage: (client: ApiClient, cursor: string | null) => Promise<Paged<T>>,
) {
  const client = useApiClient();
  const [round, setRound] = useState(0);
  const [state, setState] = useState<PagedListState<T>>({ status: 'pending' });
  const generation = useRef(0);
  const loadedKey = useRef<string | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the filters; `round` reloads
  useEffect(() => {
    const mine = ++generation.current;
    // A reload of the same filters refreshes in place (rows, and the focus in them, stay); new filters start over.
    if (loadedKey.current !== key) setState({ status: 'pending' });
    loadedKey.current = key;
    fetchPage(client, null).then(
      (page) => {
        if (mine === generation.current)
          setState({
            status: 'success',
            items: page.items,
            nextCursor: page.nextCursor,
            loadingMore: false,
            moreError: null,
          });
      },
      (error: unknown) => {
        if (mine === generation.current) setState({ status: 'error', error });
      },
    );
  }, [client, key, round]);

  const loadMore = useCallback(() => {
    if (state.status !== 'success' || !state.nextCursor || state.loadingMore) return;
    const mine = generation.current;
    const current = state;
    setState({ ...current, loadingMore: true, moreError: null });
    fetchPage(client, current.nextCursor).then(
      (page) => {
        if (mine === generation.current)
          setState({
            status: 'success',
            items: [...current.items, ...page.items],
            nextCursor: page.nextCursor,
            loadingMore: false,
            moreError: null,
          });
      },
      (error: unknown) => {
        if (mine === generation.current) setState({ ...current, loadingMore: false, moreError: error });
      },
    );
  }, [client, fetchPage, state]);

  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { state, loadMore, reload };
}
