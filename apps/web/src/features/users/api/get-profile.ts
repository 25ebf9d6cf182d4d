import { useCallback, useEffect, useState } from 'react';
import type { ApiClient } from '../../../lib/api-client.ts';
import { useApiClient } from '../../../lib/use-api-client.ts';
import type { Profile } from '../types.ts';

/** `GET /api/v1/users/profile`: the signed-in user's row. */
export function getProfile(client: ApiClient, options: { signal?: AbortSignal } = {}) {
  return client.request<Profile>('/api/v1/users/profile', { signal: options.signal });
}

export type ProfileState =
  | { status: 'pending' }
  | { status: 'success'; profile: Profile }
  | { status: 'error'; error: unknown };

/** Loads the profile when `enabled`; `setProfile` lets a mutation or a fallback sync put a newer one in. */
export function useProfile(options: { enabled: boolean }) {
  const client = useApiClient();
  const [round, setRound] = useState(0);
  const [state, setState] = useState<ProfileState>({ status: 'pending' });

  // biome-ignore lint/correctness/useExhaustiveDependencies: `round` reloads on purpose
  useEffect(() => {
    if (!options.enabled) return;
    const controller = new AbortController();
    setState({ status: 'pending' });
    getProfile(client, { signal: controller.signal }).then(
      (profile) => {
        if (!controller.signal.aborted) setState({ status: 'success', profile });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ status: 'error', error });
      },
    );
    return () => controller.abort();
  }, [options.enabled, client, round]);

  const reload = useCallback(() => setRound((n) => n + 1), []);
  const setProfile = useCallback((profile: Profile) => setState({ status: 'success', profile }), []);
  return { state, reload, setProfile };
}
