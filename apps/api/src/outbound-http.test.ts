import { createClerkClient } from '@clerk/backend';
import { startFakeClerkBackendApi, testClerkKeys } from '@usersync/testing/clerk';
import { describe, expect, it } from 'vitest';
import { limitOutboundHttp } from './outbound-http.ts';

// A Clerk that never answers must not hold our requests (or sockets) open: every call gives up.
describe('limitOutboundHttp', () => {
  it("makes Clerk's SDK give up on a Backend API that never answers", async () => {
    const keys = testClerkKeys();
    const hanging = await startFakeClerkBackendApi({
      secretKey: keys.secretKey,
      fault: () => ({ status: 500, delayMs: 30_000 }),
    });
    try {
      limitOutboundHttp(300);
      const clerk = createClerkClient({ secretKey: keys.secretKey, apiUrl: hanging.url });
      const started = Date.now();
      const outcome = await Promise.race([
        clerk.users.getUser('user_1').then(
          () => 'answered',
          (error: unknown) => `failed: ${String((error as Error).cause ?? error)}`,
        ),
        new Promise((resolve) => setTimeout(() => resolve('still pending after 5 s'), 5_000)),
      ]);
      expect(outcome).toMatch(/^failed: [\s\S]*fetch failed/);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await hanging.close();
    }
  });
});
