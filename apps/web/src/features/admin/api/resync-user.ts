import type { ResyncResponse } from '@usersync/core/http-contract';
import type { ApiClient } from '../../../lib/api-client.ts';
import { useMutation } from './use-mutation.ts';

/** `POST /api/v1/admin/users/:clerkId/resync`: reads the user from Clerk now and applies it. */
export function resyncUser(client: ApiClient, clerkId: string) {
  return client.request<ResyncResponse>(`/api/v1/admin/users/${encodeURIComponent(clerkId)}/resync`, {
    method: 'POST',
  });
}

export function useResyncUser() {
  return useMutation(resyncUser);
}
