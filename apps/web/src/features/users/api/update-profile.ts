import { useCallback, useRef, useState } from 'react';
import type { ApiClient } from '../../../lib/api-client.ts';
import type { Theme } from '../../../lib/theme.ts';
import { useApiClient } from '../../../lib/use-api-client.ts';
import type { Profile, ProfileUpdate } from '../types.ts';

/** `PATCH /api/v1/users/profile`: changes any of the app-owned fields the contract declares. */
export function updateProfile(client: ApiClient, changes: ProfileUpdate) {
  return client.request<Profile>('/api/v1/users/profile', { method: 'PATCH', body: changes });
}

export type UpdateThemeState =
  | { status: 'idle' }
  | { status: 'saving'; theme: Theme }
  | { status: 'saved'; theme: Theme }
  | { status: 'error'; theme: Theme; error: unknown };

/**
 * Saves a theme. Only the latest call counts when the user clicks quickly: earlier calls resolve to
 * null, and only the latest call's failure rejects.
 */
export function useUpdateTheme() {
  const client = useApiClient();
  const [state, setState] = useState<UpdateThemeState>({ status: 'idle' });
  const latest = useRef(0);
  const mutate = useCallback(
    async (theme: Theme): Promise<Profile | null> => {
      const call = ++latest.current;
      setState({ status: 'saving', theme });
      try {
        const profile = await updateProfile(client, { theme });
        if (call === latest.current) setState({ status: 'saved', theme });
        return call === latest.current ? profile : null;
      } catch (error) {
        // A newer choice is already on its way: this failure no longer matters.
        if (call !== latest.current) return null;
        setState({ status: 'error', theme, error });
        throw error;
      }
    },
    [client],
  );
  return { state, mutate };
}
