import { useCallback, useState } from 'react';
import type { ApiClient } from '../../../lib/api-client.ts';
import { useApiClient } from '../../../lib/use-api-client.ts';

export type MutationState<T> =
  | { status: 'idle' }
  | { status: 'running' }
  | { status: 'success'; data: T }
  | { status: 'error'; error: unknown };

/** One admin action at a time: its state for the button and message, and `run` resolving to the answer (or null on failure). */
export function useMutation<A extends unknown[], T>(action: (client: ApiClient, ...args: A) => Promise<T>) {
  const client = useApiClient();
  const [state, setState] = useState<MutationState<T>>({ status: 'idle' });
  const run = useCallback(
    async (...args: A): Promise<T | null> => {
      setState({ status: 'running' });
      try {
        const data = await action(client, ...args);
        setState({ status: 'success', data });
        return data;
      } catch (error) {
        setState({ status: 'error', error });
        return null;
      }
    },
    [action, client],
  );
  const reset = useCallback(() => setState({ status: 'idle' }), []);
  return { state, run, reset };
}
