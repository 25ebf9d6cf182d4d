import type { DeliveryListQuery, DeliverySummary, Paged } from '@usersync/core/http-contract';
import { useCallback } from 'react';
import type { ApiClient } from '../../../lib/api-client.ts';
import { type ListFilters, toQueryString } from './use-api-query.ts';
import { usePagedList } from './use-paged-list.ts';

export type DeliveryFilters = ListFilters<DeliveryListQuery>;

/** `GET /api/v1/admin/webhook-events?status=&type=&clerkUserId=&q=&cursor=`. */
export function listDeliveries(client: ApiClient, filters: DeliveryFilters, cursor: string | null) {
  return client.request<Paged<DeliverySummary>>(
    `/api/v1/admin/webhook-events${toQueryString({ ...filters, cursor })}`,
  );
}

export function useDeliveries(filters: DeliveryFilters) {
  const key = JSON.stringify(filters);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the filters' JSON is the dependency
  const fetchPage = useCallback(
    (client: ApiClient, cursor: string | null) => listDeliveries(client, filters, cursor),
    [key],
  );
  return usePagedList(key, fetchPage);
}
