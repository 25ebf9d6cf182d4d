import type { AdminOrganizationDetail } from '@usersync/core/http-contract';
import type { ApiClient } from '../../../lib/api-client.ts';
import { useApiQuery } from './use-api-query.ts';

/** `GET /api/v1/admin/organizations/:clerkId`: the organization, its current plan and its members. */
export function getOrganization(client: ApiClient, clerkId: string, signal?: AbortSignal) {
  return client.request<AdminOrganizationDetail>(
    `/api/v1/admin/organizations/${encodeURIComponent(clerkId)}`,
    {
      signal,
    },
  );
}

export function useOrganization(clerkId: string) {
  return useApiQuery(`organization:${clerkId}`, (client, signal) => getOrganization(client, clerkId, signal));
}
