import type { AdminUserSummary, Paged, UserListQuery } from '@usersync/core/http-contract';
import { useCallback } from 'react';
import type { ApiClient } from '../../../lib/api-client.ts';
import { type ListFilters, toQueryString } from './use-api-query.ts';
import { usePagedList } from './use-paged-list.ts';

export type UserFilters = ListFilters<UserListQuery>;

/** `GET /api/v1/admin/users?q=&status=&role=&cursor=`. */
export function listUsers(client: ApiClient, filters: UserFilters, cursor: string | null) {
  return client.request<Paged<AdminUserSummary>>(
    `/api/v1/admin/users${toQueryString({ ...filters, cursor })}`,
  );
}

export function useUsers(filters: UserFilters) {
  const key = JSON.stringify(filters);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the filters' JSON is the dependency
  const fetchPage = useCallback(
    (client: ApiClient, cursor: string | null) => listUsers(client, filters, cursor),
    [key],
  );
  return usePagedList(key, fetchPage);
}
