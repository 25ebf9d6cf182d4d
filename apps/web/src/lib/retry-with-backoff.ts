export interface RetryPolicy {
  /** Attempts in total, the first included. */
  attempts: number;
  /** Delay before the second attempt; doubles after each failure (plus up to 25 % jitter). */
  baseDelayMs: number;
  /** Upper bound for any single wait, Retry-After included. */
  maxDelayMs: number;
}

export const DEFAULT_SYNC_RETRY_POLICY: RetryPolicy = { attempts: 4, baseDelayMs: 800, maxDelayMs: 10_000 };

export interface RetryableError {
  isTransient: boolean;
  retryAfterMs: number | null;
}

/**
 * Runs `operation` until it succeeds, fails permanently, runs out of attempts or is aborted. Waits with
 * exponential backoff between attempts, or for the server's `Retry-After` when it gives one (capped).
 * Hand-written rather than p-retry: the wait depends on the failed response, which p-retry cannot express.
 */
export async function retryWithBackoff<T>(
  operation: (attempt: number) => Promise<T>,
  options: {
    policy: RetryPolicy;
    signal?: AbortSignal;
    isRetryable: (error: unknown) => error is RetryableError;
    /** Called before each wait, with the attempt that just failed and how long until the next one. */
    onRetry?: (info: { failedAttempt: number; delayMs: number; error: unknown }) => void;
    random?: () => number;
  },
): Promise<T> {
  const { policy, signal } = options;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt += 1) {
    signal?.throwIfAborted();
    try {
      return await operation(attempt);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (attempt >= policy.attempts || !options.isRetryable(error) || !error.isTransient) throw error;
      const backoff = policy.baseDelayMs * 2 ** (attempt - 1) * (1 + random() * 0.25);
      const delayMs = Math.round(Math.min(policy.maxDelayMs, error.retryAfterMs ?? backoff));
      options.onRetry?.({ failedAttempt: attempt, delayMs, error });
      await sleep(delayMs, signal);
    }
  }
}

function sleep(ms: number, signal?: AbortSignal) {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
