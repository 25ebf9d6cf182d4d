import { setTimeout as sleep } from 'node:timers/promises';
import { createClerkClient } from '@clerk/backend';
import { isClerkAPIResponseError } from '@clerk/backend/errors';
import pRetry from 'p-retry';
import pThrottle from 'p-throttle';
import type { ClerkUserSource } from '../reconcile/reconcile-users.ts';

export interface RetryPolicy {
  /** Retries of 5xx and network errors (429s do not count: they wait for Retry-After instead). */
  retries: number;
  minTimeoutMs: number;
  maxTimeoutMs: number;
  /** Give up on one request after this long, 429s included. */
  maxRetryTimeMs: number;
  /** Wait for a 429 without Retry-After. */
  defaultRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 8,
  minTimeoutMs: 500,
  maxTimeoutMs: 30_000,
  maxRetryTimeMs: 15 * 60_000,
  defaultRetryAfterMs: 1_000,
};

export interface ClerkRetryEvent {
  status: number | null;
  /** How long until the next attempt. */
  waitMs: number;
  attempt: number;
}

export interface ClerkBackendSourceOptions {
  secretKey: string;
  apiUrl: string;
  /** Users per page: Clerk allows 1–500. */
  pageSize?: number;
  retry?: Partial<RetryPolicy>;
  onRetry?: (event: ClerkRetryEvent) => void;
  /**
   * Incremental: only users updated at or after this instant, read newest first
   * (`order_by=-updated_at`), stopping at the first older one. Unset: every user, oldest first.
   */
  since?: Date;
  /** At most this many Backend API requests per 10 s (see clerkRateLimit); unset: no limit of ours. */
  requestsPer10s?: number;
  /** Each Backend API request's answer (status, or null for a network failure): for metrics. */
  onRequest?: (event: ClerkRequestEvent) => void;
}

export interface ClerkRequestEvent {
  operation: 'list_users' | 'count_users' | 'get_user';
  status: number | null;
}

/**
 * The HTTP status of what @clerk/backend threw (ClerkAPIResponseError); null for anything else and for
 * a network failure, which @clerk/backend reports as a ClerkAPIResponseError without a status.
 */
export function clerkErrorStatus(error: unknown): number | null {
  return isClerkAPIResponseError(error) && typeof error.status === 'number' ? error.status : null;
}

/** Rate limits (429, after Retry-After), Clerk's 5xx and network failures are worth another try. */
function isRetryable(error: unknown): boolean {
  if (!isClerkAPIResponseError(error)) return false;
  const status = clerkErrorStatus(error);
  return status === null || status === 429 || status >= 500;
}

/**
 * Calls Clerk with the retry policy: a 429 waits for its Retry-After and does not use up a retry;
 * 5xx and network errors back off exponentially (with jitter); other errors (401, 404, 422) fail
 * at once.
 */
export function withClerkRetry<T>(
  call: () => Promise<T>,
  options: { retry?: Partial<RetryPolicy>; onRetry?: (event: ClerkRetryEvent) => void; signal?: AbortSignal },
): Promise<T> {
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  return pRetry(call, {
    retries: policy.retries,
    minTimeout: policy.minTimeoutMs,
    maxTimeout: policy.maxTimeoutMs,
    maxRetryTime: policy.maxRetryTimeMs,
    factor: 2,
    randomize: true,
    signal: options.signal,
    shouldConsumeRetry: ({ error }) => clerkErrorStatus(error) !== 429,
    onFailedAttempt: async ({ error, attemptNumber, retryDelay }) => {
      if (!isRetryable(error)) return;
      const status = clerkErrorStatus(error);
      if (status === 429) {
        const retryAfter = isClerkAPIResponseError(error) ? error.retryAfter : undefined;
        const waitMs = retryAfter === undefined ? policy.defaultRetryAfterMs : retryAfter * 1000;
        options.onRetry?.({ status, waitMs, attempt: attemptNumber });
        await sleep(waitMs, undefined, { signal: options.signal });
      } else {
        options.onRetry?.({ status, waitMs: retryDelay, attempt: attemptNumber });
      }
    },
    shouldRetry: ({ error }) => isRetryable(error),
  });
}

/**
 * Reads Clerk users through the Backend API, 500 a page: every user oldest first, or (with `since`)
 * the users updated since then, newest first.
 */
export function clerkBackendUserSource(options: ClerkBackendSourceOptions): ClerkUserSource {
  const clerk = createClerkClient({
    secretKey: options.secretKey,
    apiUrl: options.apiUrl,
    telemetry: { disabled: true },
  });
  const pageSize = options.pageSize ?? 500;
  const { since, onRequest } = options;
  // One permit per HTTP request: getUserList makes two (the page and the total count). Strict: no 10 s
  // window ever holds more than the limit (a windowed count would allow twice that across a boundary).
  const permit =
    options.requestsPer10s === undefined
      ? async () => {}
      : pThrottle({ limit: options.requestsPer10s, interval: 10_000, strict: true })(async () => {});
  const observed = async <T>(operations: ClerkRequestEvent['operation'][], call: () => Promise<T>) => {
    for (const _ of operations) await permit();
    try {
      const result = await call();
      for (const operation of operations) onRequest?.({ operation, status: 200 });
      return result;
    } catch (error) {
      for (const operation of operations) onRequest?.({ operation, status: clerkErrorStatus(error) });
      throw error;
    }
  };
  const retrying = <T>(call: () => Promise<T>, signal?: AbortSignal) =>
    withClerkRetry(call, { retry: options.retry, onRetry: options.onRetry, signal });

  return {
    async *pages(signal) {
      // Full: oldest first, so users who sign up while we page are appended at the end instead of
      // shifting every later page (newest-first, Clerk's default, would). Incremental: newest update
      // first, so the walk can stop at the watermark; a user updated while we page moves to the front
      // and is read by the next run (whose watermark is this run's start).
      const orderBy = since ? '-updated_at' : '+created_at';
      for (let offset = 0; ; offset += pageSize) {
        const { data, totalCount } = await retrying(
          () =>
            observed(['list_users', 'count_users'], () =>
              clerk.users.getUserList({ limit: pageSize, offset, orderBy }),
            ),
          signal,
        );
        const raw = data.map((user) => {
          if (!user.raw) throw new Error(`Clerk returned user ${user.id} without its JSON`);
          return user.raw;
        });
        const wanted = since ? raw.filter((user) => user.updated_at >= since.getTime()) : raw;
        if (wanted.length > 0) yield { users: wanted, totalCount: since ? undefined : totalCount };
        // Past the watermark; a short page is the last; so is reaching the total.
        if (wanted.length < raw.length) return;
        if (data.length < pageSize || offset + data.length >= totalCount) return;
      }
    },
    async exists(clerkId) {
      try {
        await retrying(() => observed(['get_user'], () => clerk.users.getUser(clerkId)));
        return true;
      } catch (error) {
        if (clerkErrorStatus(error) === 404) return false;
        throw error;
      }
    },
  };
}

/**
 * Clerk's Backend API limits per instance: 1,000 requests / 10 s in production (`sk_live_`), 100 / 10 s
 * in development (`sk_test_`). Reconcile takes half, so the fallback sync serving sign-ins next to it
 * is not starved.
 */
export function clerkRateLimit(secretKey: string): { instanceLimit: number; reconcileShare: number } {
  const instanceLimit = secretKey.startsWith('sk_live_') ? 1_000 : 100;
  return { instanceLimit, reconcileShare: Math.floor(instanceLimit / 2) };
}

/** "Clerk Backend API answered 401: …" with a hint for the usual mistakes; never the key itself. */
export function describeClerkError(error: unknown): string | null {
  if (!isClerkAPIResponseError(error)) return null;
  const status = clerkErrorStatus(error);
  const detail = error.errors?.[0];
  const message = detail?.longMessage ?? detail?.message ?? 'no details';
  if (status === null)
    return `could not reach Clerk's Backend API: ${message} (check CLERK_API_URL and the network)`;
  const hint =
    status === 401 || status === 403
      ? ' (check CLERK_SECRET_KEY: it must be the secret key of the Clerk instance this database belongs to)'
      : status === 429
        ? ' (rate limited for too long; try again later)'
        : '';
  return `Clerk's Backend API answered ${status}: ${message}${hint}`;
}
