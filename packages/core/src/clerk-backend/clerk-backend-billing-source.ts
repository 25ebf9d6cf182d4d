import { createClerkClient } from '@clerk/backend';
import pThrottle from 'p-throttle';
import type { PayerRef } from '../billing/billing.repository.ts';
import type { BackendBillingSubscription, ClerkBillingSource } from '../reconcile/reconcile-billing.ts';
import {
  type ClerkRetryEvent,
  clerkErrorStatus,
  type RetryPolicy,
  withClerkRetry,
} from './clerk-backend-user-source.ts';

export interface ClerkBackendBillingSourceOptions {
  secretKey: string;
  apiUrl: string;
  /** At most this many Backend API requests per 10 s (see clerkRateLimit); unset: no limit of ours. */
  requestsPer10s?: number;
  retry?: Partial<RetryPolicy>;
  onRetry?: (event: ClerkRetryEvent) => void;
}

/**
 * One payer's Clerk Billing subscription per Backend API call (`GET /v1/users/{id}/billing/subscription`,
 * `GET /v1/organizations/{id}/billing/subscription`), under our share of the rate limit and with the
 * users' retry policy (429s wait for Retry-After). A payer without a subscription (404) is null.
 */
export function clerkBackendBillingSource(options: ClerkBackendBillingSourceOptions): ClerkBillingSource {
  const clerk = createClerkClient({
    secretKey: options.secretKey,
    apiUrl: options.apiUrl,
    telemetry: { disabled: true },
  });
  const permit =
    options.requestsPer10s === undefined
      ? async () => {}
      : pThrottle({ limit: options.requestsPer10s, interval: 10_000, strict: true })(async () => {});
  return {
    async subscriptionOf(payer: PayerRef, signal?: AbortSignal): Promise<BackendBillingSubscription | null> {
      try {
        return await withClerkRetry(
          async () => {
            await permit();
            return 'clerkUserId' in payer
              ? clerk.billing.getUserBillingSubscription(payer.clerkUserId)
              : clerk.billing.getOrganizationBillingSubscription(payer.clerkOrganizationId);
          },
          { retry: options.retry, onRetry: options.onRetry, signal },
        );
      } catch (error) {
        if (clerkErrorStatus(error) === 404) return null;
        throw error;
      }
    },
  };
}
