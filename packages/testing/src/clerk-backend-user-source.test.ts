import { clerkBackendUserSource, clerkRateLimit, sampleClerkUser } from '@usersync/core/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClerkKeys } from './clerk-session-tokens.ts';
import { type FakeClerkBackendApi, startFakeClerkBackendApi } from './fake-clerk-backend-api.ts';

// Core's reader of Clerk's Backend API (reconcile's source), against this stand-in.
describe('clerkBackendUserSource against the Backend API stand-in', () => {
  const keys = testClerkKeys();
  let api: FakeClerkBackendApi;
  const T0 = 1_700_000_000_000;
  beforeAll(async () => {
    api = await startFakeClerkBackendApi({ secretKey: keys.secretKey });
    for (let i = 0; i < 5; i++) {
      const id = `user_src${i}`;
      api.users.set(id, sampleClerkUser({ id, createdAt: T0 + i, updatedAt: T0 + 1_000 * i }));
    }
  });
  afterAll(() => api.close());

  const read = async (source: ReturnType<typeof clerkBackendUserSource>) => {
    const pages: string[][] = [];
    for await (const page of source.pages()) pages.push(page.users.map((u) => (u as { id: string }).id));
    return pages;
  };

  it('with since: newest update first, stopping at the first older user', async () => {
    api.requests.length = 0;
    const pages = await read(
      clerkBackendUserSource({
        secretKey: keys.secretKey,
        apiUrl: api.url,
        pageSize: 2,
        since: new Date(T0 + 2_000),
      }),
    );
    expect(pages).toEqual([['user_src4', 'user_src3'], ['user_src2']]);
    // Two pages asked for (each with its count), not three.
    expect(api.requests.filter((r) => r === 'GET /v1/users')).toHaveLength(2);
  });

  it('keeps to the request limit per 10 s, counting a page and its count as two', async () => {
    const calls: number[] = [];
    const started = Date.now();
    const pages = await read(
      clerkBackendUserSource({
        secretKey: keys.secretKey,
        apiUrl: api.url,
        pageSize: 3,
        requestsPer10s: 2,
        onRequest: ({ operation, status }) => {
          expect(status).toBe(200);
          if (operation === 'list_users') calls.push(Date.now() - started);
        },
      }),
    );
    expect(pages.flat()).toHaveLength(5);
    // The second page (requests 3 and 4) waited for the first 10 s window to pass.
    expect(calls).toHaveLength(2);
    expect((calls[1] as number) - (calls[0] as number)).toBeGreaterThanOrEqual(9_500);
  }, 20_000);

  it('derives the limit from the key: production 1,000 / 10 s, development 100 / 10 s, reconcile half', () => {
    expect(clerkRateLimit('sk_live_abc')).toEqual({ instanceLimit: 1_000, reconcileShare: 500 });
    expect(clerkRateLimit('sk_test_abc')).toEqual({ instanceLimit: 100, reconcileShare: 50 });
  });
});
