import { useCallback, useEffect, useState } from 'react';
import { useAppConfig } from '../../../app/app-config.tsx';
import { type ApiClient, ApiError } from '../../../lib/api-client.ts';
import { retryWithBackoff } from '../../../lib/retry-with-backoff.ts';
import { useApiClient } from '../../../lib/use-api-client.ts';
import type { SyncResponse } from '../types.ts';

/** `POST /api/v1/users/sync`: makes sure our users row exists for the signed-in Clerk user. */
export function syncUser(client: ApiClient, options: { signal?: AbortSignal } = {}) {
  return client.request<SyncResponse>('/api/v1/users/sync', {
    method: 'POST',
    body: {},
    signal: options.signal,
  });
}

export type SyncUserState =
  | { status: 'idle' }
  | { status: 'pending'; attempt: number; maxAttempts: number }
  | { status: 'success'; data: SyncResponse }
  | { status: 'error'; error: unknown };

/**
 * Runs the sync once when `enabled`, retrying transient failures (network, 5xx, 503 + Retry-After)
 * with backoff up to the configured number of attempts, then stops. `retry()` starts one new round:
 * nothing here ever retries forever.
 */
export function useSyncUser(options: { enabled: boolean }) {
  const client = useApiClient();
  const { syncRetryPolicy } = useAppConfig();
  const [round, setRound] = useState(0);
  const [state, setState] = useState<SyncUserState>({ status: 'idle' });

  // biome-ignore lint/correctness/useExhaustiveDependencies: `round` re-runs the sync on purpose
  useEffect(() => {
    if (!options.enabled) return;
    const controller = new AbortController();
    const maxAttempts = syncRetryPolicy.attempts;
    setState({ status: 'pending', attempt: 1, maxAttempts });
    retryWithBackoff(() => syncUser(client, { signal: controller.signal }), {
      policy: syncRetryPolicy,
      signal: controller.signal,
      isRetryable: (error): error is ApiError => error instanceof ApiError,
      onRetry: ({ failedAttempt }) =>
        setState({ status: 'pending', attempt: failedAttempt + 1, maxAttempts }),
    }).then(
      (data) => {
        if (!controller.signal.aborted) setState({ status: 'success', data });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ status: 'error', error });
      },
    );
    return () => controller.abort();
  }, [options.enabled, client, syncRetryPolicy, round]);

  const retry = useCallback(() => setRound((n) => n + 1), []);
  return { state, retry };
}
