import type { AuditEntry, Paged } from '@usersync/core/http-contract';
import { useCallback } from 'react';
import type { ApiClient } from '../../../lib/api-client.ts';
import { toQueryString } from './use-api-query.ts';
import { usePagedList } from './use-paged-list.ts';

/** `GET /api/v1/admin/audit-log?targetId=&cursor=`: admin actions, newest first. */
export function listAuditLog(client: ApiClient, targetId: string | undefined, cursor: string | null) {
  return client.request<Paged<AuditEntry>>(`/api/v1/admin/audit-log${toQueryString({ targetId, cursor })}`);
}

export function useAuditLog(targetId?: string) {
  const fetchPage = useCallback(
    (client: ApiClient, cursor: string | null) => listAuditLog(client, targetId, cursor),
    [targetId],
  );
  return usePagedList(`audit:${targetId ?? ''}`, fetchPage);
}
