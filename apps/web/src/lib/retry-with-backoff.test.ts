import { describe, expect, it } from 'vitest';
import { ApiError } from './api-client.ts';
import { type RetryPolicy, retryWithBackoff } from './retry-with-backoff.ts';

const policy: RetryPolicy = { attempts: 4, baseDelayMs: 10, maxDelayMs: 200 };
const isRetryable = (error: unknown): error is ApiError => error instanceof ApiError;
const transient = (retryAfterMs: number | null = null) =>
  new ApiError({ kind: 'http', status: 503, message: 'unavailable', retryAfterMs });

describe('retryWithBackoff', () => {
  it('returns the first success', async () => {
    let calls = 0;
    const result = await retryWithBackoff(
      async () => {
        calls += 1;
        if (calls < 3) throw transient();
        return 'ok';
      },
      { policy, isRetryable },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
  });

  it('gives up after the last attempt with the last error', async () => {
    const delays: number[] = [];
    let calls = 0;
    const failing = retryWithBackoff(
      async () => {
        calls += 1;
        throw transient();
      },
      { policy, isRetryable, onRetry: ({ delayMs }) => delays.push(delayMs), random: () => 0 },
    );
    await expect(failing).rejects.toMatchObject({ status: 503 });
    expect(calls).toBe(4);
    expect(delays).toEqual([10, 20, 40]);
  });

  it('does not retry permanent failures', async () => {
    let calls = 0;
    const failing = retryWithBackoff(
      async () => {
        calls += 1;
        throw new ApiError({ kind: 'http', status: 410, message: 'gone' });
      },
      { policy, isRetryable },
    );
    await expect(failing).rejects.toMatchObject({ status: 410 });
    expect(calls).toBe(1);
  });

  it('waits for Retry-After, capped at maxDelayMs', async () => {
    const delays: number[] = [];
    let calls = 0;
    await retryWithBackoff(
      async () => {
        calls += 1;
        if (calls === 1) throw transient(150);
        if (calls === 2) throw transient(60_000);
        return 'ok';
      },
      { policy, isRetryable, onRetry: ({ delayMs }) => delays.push(delayMs) },
    );
    expect(delays).toEqual([150, 200]);
  });

  it('stops waiting when aborted', async () => {
    const controller = new AbortController();
    const running = retryWithBackoff(
      async () => {
        throw transient(10_000);
      },
      { policy: { ...policy, maxDelayMs: 10_000 }, isRetryable, signal: controller.signal },
    );
    setTimeout(() => controller.abort(new Error('left the page')), 20);
    await expect(running).rejects.toThrow('left the page');
  });
});
