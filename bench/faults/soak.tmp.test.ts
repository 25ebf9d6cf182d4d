import { openTestDatabase } from '@usersync/core/testing';
import { createClerkSessionSigner, startFakeClerkBackendApi } from '@usersync/testing';
import { expect, it } from 'vitest';
import { hostileRequests, hostileTokens } from './hostile-requests.ts';
import { mapConcurrent, startApi } from './support.ts';

it('soak', async () => {
  const database = await openTestDatabase('postgres');
  const clerkApi = await startFakeClerkBackendApi({ secretKey: 'sk_test_unused' });
  const api = await startApi(database.url as string, 'soak', {
    env: { CLERK_API_URL: clerkApi.url, CLERK_JWT_KEY: createClerkSessionSigner().publicKeyPem },
  });
  const started = Date.now();
  const samples: string[] = [];
  let sent = 0;
  let fivexx = 0;
  let round = 0;
  while (Date.now() - started < 240_000) {
    const requests = hostileRequests(api.secret, 1000, 1000 + round, `soak${round}`);
    const statuses = await mapConcurrent(requests, 8, async (r) => {
      try {
        const res = await fetch(`${api.url}/api/webhooks/clerk`, { method: 'POST', headers: r.headers, body: r.body, signal: AbortSignal.timeout(15_000) });
        await res.arrayBuffer();
        return res.status;
      } catch { return 0; }
    });
    const tokens = hostileTokens(300, 5000 + round);
    await mapConcurrent(tokens, 8, async (t) => { const res = await fetch(`${api.url}/api/v1/users/profile`, { headers: { authorization: t.authorization } }); await res.arrayBuffer(); });
    sent += requests.length + tokens.length;
    fivexx += statuses.filter((s) => s >= 500).length;
    round += 1;
    const m = api.memory();
    samples.push(`${Math.round((Date.now() - started) / 1000)}s ${sent} req rss=${Math.round(m.rssKiB / 1024)}MiB peak=${Math.round(m.peakRssKiB / 1024)}MiB`);
    console.info(samples.at(-1));
  }
  console.info(`SOAK DONE: ${sent} requests, ${fivexx} 5xx, clerk calls ${clerkApi.requests.length}`);
  await api.stop(); await clerkApi.close(); await database.close();
  expect(fivexx).toBe(0);
}, 400_000);
