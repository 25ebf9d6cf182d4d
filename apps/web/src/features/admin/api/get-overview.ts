import type { AdminOverview } from '@usersync/core/http-contract';
import type { ApiClient } from '../../../lib/api-client.ts';
import { useApiQuery } from './use-api-query.ts';

/** `GET /api/v1/admin/overview`. */
export function getOverview(client: ApiClient, signal?: AbortSignal) {
  return client.request<AdminOverview>('/api/v1/admin/overview', { signal });
}

export function useOverview() {
  return useApiQuery('overview', getOverview);
}
