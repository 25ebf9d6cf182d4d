import { useCallback, useEffect, useState } from 'react';
import type { ApiClient } from '../../../lib/api-client.ts';
import { useApiClient } from '../../../lib/use-api-client.ts';

export type QueryState<T> =
  | { status: 'pending' }
  | { status: 'success'; data: T }
  | { status: 'error'; error: unknown };

/**
 * Loads `fetcher` whenever `key` changes (and on reload()); a newer load wins over an older one.
 * Keeps the last data while reloading, so a refresh after an action does not blank the page.
 */
export function useApiQuery<T>(key: string, fetcher: (client: ApiClient, signal: AbortSignal) => Promise<T>) {
  const client = useApiClient();
  const [round, setRound] = useState(0);
  const [state, setState] = useState<QueryState<T>>({ status: 'pending' });

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the fetcher's inputs; `round` reloads
  useEffect(() => {
    const controller = new AbortController();
    setState((previous) => (previous.status === 'success' && round > 0 ? previous : { status: 'pending' }));
    fetcher(client, controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ status: 'success', data });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ status: 'error', error });
      },
    );
    return () => controller.abort();
  }, [client, key, round]);

  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { state, reload };
}

/** A list route's filters as a page holds them: the contract's query without paging, '' for "any". */
export type ListFilters<Query> = { [K in Exclude<keyof Query, 'cursor' | 'limit'>]?: Query[K] | '' };

/** Query string from the filters that are set (empty values left out). */
export function toQueryString(params: Record<string, string | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}
