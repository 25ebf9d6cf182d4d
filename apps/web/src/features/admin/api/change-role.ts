import type { RoleChangeResponse } from '@usersync/core/http-contract';
import type { ApiClient } from '../../../lib/api-client.ts';
import { useMutation } from './use-mutation.ts';

/** `PATCH /api/v1/admin/users/:clerkId` `{ role }`: the database and Clerk's public_metadata.role together. */
export function changeRole(client: ApiClient, clerkId: string, role: string) {
  return client.request<RoleChangeResponse>(`/api/v1/admin/users/${encodeURIComponent(clerkId)}`, {
    method: 'PATCH',
    body: { role },
  });
}

export function useChangeRole() {
  return useMutation(changeRole);
}
