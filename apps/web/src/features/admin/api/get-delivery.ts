import type { DeliveryDetail } from '@usersync/core/http-contract';
import type { ApiClient } from '../../../lib/api-client.ts';
import { useApiQuery } from './use-api-query.ts';

/** `GET /api/v1/admin/webhook-events/:svixId`: the delivery with its payload, error and replays. */
export function getDelivery(client: ApiClient, svixId: string, signal?: AbortSignal) {
  return client.request<DeliveryDetail>(`/api/v1/admin/webhook-events/${encodeURIComponent(svixId)}`, {
    signal,
  });
}

export function useDelivery(svixId: string) {
  return useApiQuery(`delivery:${svixId}`, (client, signal) => getDelivery(client, svixId, signal));
}
