import type { AdminUserDetail } from '@usersync/core/http-contract';
import type { ApiClient } from '../../../lib/api-client.ts';
import { useApiQuery } from './use-api-query.ts';

/** `GET /api/v1/admin/users/:clerkId`: profile, settings, memberships, deliveries, the configured roles. */
export function getUser(client: ApiClient, clerkId: string, signal?: AbortSignal) {
  return client.request<AdminUserDetail>(`/api/v1/admin/users/${encodeURIComponent(clerkId)}`, { signal });
}

export function useUser(clerkId: string) {
  return useApiQuery(`user:${clerkId}`, (client, signal) => getUser(client, clerkId, signal));
}
