import type { ReplayResponse } from '@usersync/core/http-contract';
import type { ApiClient } from '../../../lib/api-client.ts';
import { useMutation } from './use-mutation.ts';

/** `POST /api/v1/admin/webhook-events/:svixId/replay`: the stored payload through the webhook rules again. */
export function replayDelivery(client: ApiClient, svixId: string) {
  return client.request<ReplayResponse>(`/api/v1/admin/webhook-events/${encodeURIComponent(svixId)}/replay`, {
    method: 'POST',
  });
}

export function useReplayDelivery() {
  return useMutation(replayDelivery);
}
