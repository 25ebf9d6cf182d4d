import { createClerkClient } from '@clerk/backend';
import type { ClerkListSource, OrganizationReconcileKind } from '../reconcile/index.ts';
import { type ClerkRetryEvent, type RetryPolicy, withClerkRetry } from './clerk-backend-user-source.ts';

export interface ClerkBackendOrganizationSourceOptions {
  secretKey: string;
  apiUrl: string;
  /** Objects per page: Clerk allows 1–500. */
  pageSize?: number;
  retry?: Partial<RetryPolicy>;
  onRetry?: (event: ClerkRetryEvent) => void;
}

/**
 * Reads every organization (`GET /v1/organizations`) or every membership of the instance
 * (`GET /v1/organization_memberships`) through the Backend API, oldest first, 500 a page, with the
 * users' retry policy (429s wait for Retry-After).
 */
export function clerkBackendOrganizationSource(
  kind: OrganizationReconcileKind,
  options: ClerkBackendOrganizationSourceOptions,
): ClerkListSource {
  const clerk = createClerkClient({ secretKey: options.secretKey, apiUrl: options.apiUrl });
  const pageSize = options.pageSize ?? 500;
  const list = async (
    offset: number,
  ): Promise<{ data: Array<{ id: string; raw: unknown }>; totalCount: number }> => {
    // Oldest first: objects created while we page are appended instead of shifting later pages.
    const params = { limit: pageSize, offset, orderBy: '+created_at' } as const;
    return kind === 'organizations'
      ? clerk.organizations.getOrganizationList(params)
      : clerk.organizations.getInstanceOrganizationMembershipList(params);
  };
  return {
    async *pages(signal) {
      for (let offset = 0; ; offset += pageSize) {
        const { data, totalCount } = await withClerkRetry(() => list(offset), {
          retry: options.retry,
          onRetry: options.onRetry,
          signal,
        });
        if (data.length > 0) {
          yield {
            items: data.map((object) => {
              if (!object.raw) throw new Error(`Clerk returned ${object.id} without its JSON`);
              return object.raw;
            }),
            totalCount,
          };
        }
        if (data.length < pageSize || offset + data.length >= totalCount) return;
      }
    },
  };
}
