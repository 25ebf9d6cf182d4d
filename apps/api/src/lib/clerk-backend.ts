import { type ClerkClient, createClerkClient } from '@clerk/backend';
import { isClerkAPIResponseError } from '@clerk/backend/errors';
import type { ClerkConfig } from '@usersync/config';
import { ApiError, serviceUnavailable } from './api-error.ts';

/** Clerk's Backend API client, or null without CLERK_SECRET_KEY. No telemetry calls from our server. */
export function createClerkBackend(clerk: ClerkConfig): ClerkClient | null {
  return clerk.secretKey
    ? createClerkClient({ secretKey: clerk.secretKey, apiUrl: clerk.apiUrl, telemetry: { disabled: true } })
    : null;
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Clerk's HTTP status for a failed Backend API call; undefined when Clerk was not reached. */
export function clerkStatus(error: unknown): number | undefined {
  return isClerkAPIResponseError(error) ? error.status : undefined;
}

/**
 * An admin action's Clerk call failed: 503 + Retry-After when trying again can help (unreachable,
 * timed out, 429, 5xx), 502 when Clerk refused the call (a 4xx: our key, or a user Clerk does not have).
 */
export function adminClerkFailure(error: unknown, action: string): ApiError {
  const status = clerkStatus(error);
  if (status === 429) {
    const retryAfter = isClerkAPIResponseError(error) ? error.retryAfter : undefined;
    return serviceUnavailable(
      `Clerk is rate-limiting requests; ${action} later`,
      retryAfter ?? 10,
      'clerk_rate_limited',
    );
  }
  if (status === undefined || status >= 500) {
    return serviceUnavailable(`Could not reach Clerk; ${action} again shortly`, 5, 'clerk_unavailable');
  }
  return new ApiError(502, `Clerk refused the call (HTTP ${status}); nothing was changed`, {
    code: 'clerk_rejected',
  });
}
