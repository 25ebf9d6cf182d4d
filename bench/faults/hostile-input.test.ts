// At least 1,000 generated hostile requests against a real API process: bad and missing signatures,
// stale and future timestamps, wrong content types, truncated, huge and deeply nested JSON, wrong field
// types, injection strings, unicode edge cases, and correctly signed bodies that are still unusable.
// No 5xx; nothing in `users`; unsigned requests leave nothing at all, signed ones only an `invalid`
// row; the API's resident memory stays flat. Also: out-of-range timestamps and over-long ids (signed,
// so 422 invalid), bearer tokens of every other kind (401/429, no call to Clerk), and uploads the
// client abandons half-way (no error logged).

import { setTimeout as sleep } from 'node:timers/promises';
import {
  createClerkSessionSigner,
  type FakeClerkBackendApi,
  startFakeClerkBackendApi,
} from '@usersync/testing/clerk';
import { openTestDatabase, type TestDatabase } from '@usersync/testing/database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../src/databases.ts';
import {
  abandonUpload,
  type HostileRequest,
  hostileRequests,
  hostileTokens,
  TOKEN_KINDS,
} from './hostile-requests.ts';
import { type ApiUnderTest, mapConcurrent, startApi } from './support.ts';

const SEED = 20_261_121;
const COUNT = 1_200;
const WARMUP = 400;
const SLICE = 200;
/**
 * Resident memory may grow this much over the measured requests: V8 grows its heap to fit 1 MiB bodies
 * and 60,000-level documents, and keeps the pages. A leak keeps growing; the second limit catches that.
 */
const RSS_GROWTH_LIMIT_MIB = 128;
const RSS_LATE_GROWTH_LIMIT_MIB = 32;

interface Outcome {
  request: HostileRequest;
  status: number;
  error?: string;
}

describe('hostile webhook input', () => {
  let database: TestDatabase;
  let api: ApiUnderTest;
  let clerkApi: FakeClerkBackendApi;

  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    // A local Backend API stand-in and an offline key: anything the API asked Clerk would be counted here.
    clerkApi = await startFakeClerkBackendApi({ secretKey: 'sk_test_unused' });
    api = await startApi(database.url as string, 'fault-hostile-input', {
      env: { CLERK_API_URL: clerkApi.url, CLERK_JWT_KEY: createClerkSessionSigner().publicKeyPem },
    });
  });
  afterAll(async () => {
    await api?.stop();
    await clerkApi?.close();
    await database?.close();
  });

  it(`answers ${COUNT} generated hostile requests with 4xx, writes no user, and keeps its memory flat`, async () => {
    // Warm-up with other requests of the same kinds: JIT, pools and allocator settle before measuring.
    await sendAll(hostileRequests(api.secret, WARMUP, SEED + 1, 'warm'));
    const before = api.memory().rssKiB;

    const requests = hostileRequests(api.secret, COUNT, SEED, 'run');
    // Sent in slices, with the API's resident memory read after each: a leak grows slice after slice.
    const outcomes: Outcome[] = [];
    const rssKiB: number[] = [before];
    for (let start = 0; start < requests.length; start += SLICE) {
      outcomes.push(...(await sendAll(requests.slice(start, start + SLICE))));
      rssKiB.push(api.memory().rssKiB);
    }
    const after = rssKiB.at(-1) as number;

    expect(api.exited(), 'the API is still running').toBe(false);
    const categories = new Set(requests.map((r) => r.category.split(':')[0]));
    expect([...categories].sort()).toEqual(
      [
        'bad-signature',
        'future-timestamp',
        'oversize',
        'invalid-utf8',
        'signed-invalid',
        'signed-long-id',
        'signed-timestamp',
        'stale-timestamp',
        'unsigned',
      ].sort(),
    );

    const serverErrors = outcomes.filter((o) => o.status >= 500);
    expect(serverErrors.map(describe5xx), 'no 5xx').toEqual([]);
    // Every request gets a 4xx answer; only an oversize upload may see the connection closed instead.
    const unanswered = outcomes.filter((o) => o.status === 0 && !o.request.oversize);
    expect(unanswered.map(describe5xx)).toEqual([]);
    expect(outcomes.filter((o) => o.status !== 0 && (o.status < 400 || o.status >= 500))).toEqual([]);

    const users = await query<{ n: number }>(database.url as string, 'SELECT count(*)::int AS n FROM users');
    expect(users[0]?.n, 'nothing written to users').toBe(0);
    const organizationRows = await query<{ n: number }>(
      database.url as string,
      `SELECT (SELECT count(*) FROM organizations) + (SELECT count(*) FROM organization_memberships)
         + (SELECT count(*) FROM organization_invitations) AS n`,
    );
    expect(Number(organizationRows[0]?.n), 'nothing written to the organization tables').toBe(0);
    const events = await query<{ svix_id: string; status: string }>(
      database.url as string,
      'SELECT svix_id, status FROM webhook_events',
    );
    const recorded = new Map(events.map((e) => [e.svix_id, e.status]));
    // Unsigned (bad, missing, stale or future signatures, oversize): nothing at all.
    const unsignedWritten = outcomes.filter((o) => !o.request.signed && recorded.has(o.request.svixId));
    expect(unsignedWritten.map((o) => o.request.category)).toEqual([]);
    // Signed but unusable: exactly an `invalid` row, answered 422.
    const signed = outcomes.filter((o) => o.request.signed);
    expect(signed.length).toBeGreaterThan(COUNT * 0.3);
    const wrong = signed.filter((o) => recorded.get(o.request.svixId) !== 'invalid' || o.status !== 422);
    expect(wrong.map((o) => `${o.request.category} ${o.status} ${recorded.get(o.request.svixId)}`)).toEqual(
      [],
    );
    expect(events.filter((e) => e.status !== 'invalid')).toEqual([]);

    const series = `RSS after each slice of ${SLICE} (KiB): ${rssKiB.join(', ')}`;
    console.info(`hostile input: ${series}`);
    expect((after - before) / 1024, series).toBeLessThan(RSS_GROWTH_LIMIT_MIB);
    // Flat, not climbing: the second half of the run adds little to what the first half reached.
    const half = rssKiB[Math.floor(rssKiB.length / 2)] as number;
    expect((after - half) / 1024, series).toBeLessThan(RSS_LATE_GROWTH_LIMIT_MIB);
  });

  it('answers tokens that are not session tokens 401 or 429 without calling Clerk', async () => {
    const requests = hostileTokens(300, SEED + 2);
    const outcomes = await mapConcurrent(requests, 4, async ({ kind, authorization }) => {
      const response = await fetch(`${api.url}/api/v1/users/profile`, {
        headers: { authorization },
        signal: AbortSignal.timeout(15_000),
      });
      await response.arrayBuffer();
      return { kind, status: response.status };
    });
    expect(new Set(requests.map((r) => r.kind))).toEqual(new Set(TOKEN_KINDS));
    // 431: headers over Node's 16 KiB, refused before any of our code runs.
    expect(outcomes.filter((o) => ![401, 429, 431].includes(o.status))).toEqual([]);
    expect(clerkApi.requests, 'no call to Clerk for an unauthenticated request').toEqual([]);
  });

  it('treats uploads abandoned mid-body as the client’s doing: no error logged, still serving', async () => {
    const aborted = await mapConcurrent(
      Array.from({ length: 40 }, (_, i) => i),
      8,
      (i) => abandonUpload(api.url, `msg_abandoned_${i}`, i % 2 === 0 ? 'reset' : 'end'),
    );
    expect(aborted.every(Boolean)).toBe(true);
    // Logged at warn and above only (LOG_LEVEL=warn): an abandoned upload must leave no line at all.
    await sleep(300);
    const errors = api
      .output()
      .split('\n')
      .filter((line) => /"level":(4|5|6)\d/.test(line) && /abort|database|ECONNRESET/i.test(line));
    expect(errors).toEqual([]);
    const health = await fetch(`${api.url}/api/health`);
    expect(health.status).toBe(200);
    const events = await query<{ n: number }>(
      database.url as string,
      "SELECT count(*)::int AS n FROM webhook_events WHERE svix_id LIKE 'msg_abandoned_%'",
    );
    expect(events[0]?.n).toBe(0);
  });

  it('stores injection and unicode strings verbatim when they arrive in a valid event', async () => {
    const { sampleClerkEvent, sampleClerkUser } = await import('@usersync/core/internal');
    const { send } = await import('./support.ts');
    const name = "Robert'); DROP TABLE users; -- <script>alert(1)</script> \u202e𝔘";
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, on purpose.
    const template = '${7*7} {{7*7}}';
    const user = sampleClerkUser({ firstName: name, lastName: template });
    const delivery = {
      svixId: 'msg_valid_hostile',
      body: JSON.stringify(sampleClerkEvent('user.created', user)),
      label: '',
    };
    expect((await send(api, delivery)).status).toBe(200);
    const rows = await query<{ first_name: string; last_name: string }>(
      database.url as string,
      'SELECT first_name, last_name FROM users WHERE clerk_id = $1',
      [user.id],
    );
    expect(rows).toEqual([{ first_name: name, last_name: template }]);
  });

  async function sendAll(requests: HostileRequest[]): Promise<Outcome[]> {
    return mapConcurrent(requests, 4, async (request) => {
      try {
        const response = await fetch(`${api.url}/api/webhooks/clerk`, {
          method: 'POST',
          headers: request.headers,
          body: request.body,
          signal: AbortSignal.timeout(15_000),
        });
        await response.arrayBuffer();
        return { request, status: response.status };
      } catch (error) {
        return { request, status: 0, error: String((error as Error).cause ?? error) };
      }
    });
  }
});

function describe5xx(o: Outcome): string {
  return `${o.request.category} → ${o.status} ${o.error ?? ''} body[0..80]=${JSON.stringify(o.request.body.subarray(0, 80).toString())}`;
}
