// Sync fallback: POST /api/v1/users/sync on the production API build, with real RS256 session tokens
// (verified offline with CLERK_JWT_KEY), when the caller's row exists and when the API must read the
// user from Clerk's Backend API (a local stand-in in its own process) and write it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClerkSessionSigner, testClerkKeys } from '@usersync/testing/clerk';
import { startApiProcess } from '@usersync/testing/processes';
import { type BenchContext, runNodeProcess } from '../bench-context.ts';
import { fakeClerkUserId, startFakeClerkProcess } from '../clerk-stand-in/fake-clerk-process.ts';
import { createMigratedDatabase, query } from '../databases.ts';
import type { LoadResult, PreparedRequest } from '../load-generator/load-worker.ts';
import { scratchDir } from '../paths.ts';
import type { BenchResult } from '../results.ts';
import { markdownTable } from '../stats.ts';

const LOAD_WORKER = fileURLToPath(new URL('../load-generator/load-worker.ts', import.meta.url));
const WEB_ORIGIN = 'http://127.0.0.1:5173';

interface Case {
  name: string;
  concurrency: number;
  result: LoadResult;
}

export async function benchSyncFallback(ctx: BenchContext): Promise<BenchResult> {
  const perCase = ctx.quick ? 200 : 1500;
  const levels = [1, 8];
  // Users the API has to read from Clerk: a fresh set for each concurrency level, plus the warm-up.
  const clerkUsers = perCase * levels.length + 100;
  const clerk = await startFakeClerkProcess({ users: clerkUsers, idPrefix: 'user_sync' });
  const signer = createClerkSessionSigner();
  const keys = testClerkKeys();
  const databaseUrl = await createMigratedDatabase(ctx.postgres.url, 'bench_sync_fallback');
  const api = await startApiProcess({
    logDir: scratchDir(),
    name: 'bench-sync-fallback',
    env: {
      DATABASE_URL: databaseUrl,
      CLERK_SECRET_KEY: clerk.secretKey,
      CLERK_PUBLISHABLE_KEY: keys.publishableKey,
      CLERK_JWT_KEY: signer.publicKeyPem,
      CLERK_API_URL: clerk.url,
      CLERK_WEBHOOK_SIGNING_SECRET: 'whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0',
      WEB_ORIGIN,
      LOG_LEVEL: 'info',
      // The per-user limit protects production; one benchmark user sends far fewer than this anyway.
      RATE_LIMIT_PER_MINUTE: '100000',
    },
  });
  const request = (userId: string): PreparedRequest => ({
    method: 'POST',
    path: '/api/v1/users/sync',
    headers: {
      authorization: `Bearer ${signer.sign({ userId, azp: WEB_ORIGIN, expiresInSeconds: 900 })}`,
      origin: WEB_ORIGIN,
    },
  });
  const run = async (requests: PreparedRequest[], concurrency: number, tag: string): Promise<LoadResult> => {
    const file = join(scratchDir(), `sync-${tag}.json`);
    writeFileSync(
      file,
      JSON.stringify({ config: { url: api.url, connections: concurrency, maxSeconds: 60 }, requests }),
    );
    return runNodeProcess<LoadResult>(LOAD_WORKER, `@${file}`, 120_000);
  };

  const cases: Case[] = [];
  try {
    // Warm-up: the first 100 users, read from Clerk and then found.
    const warm = Array.from({ length: 100 }, (_, i) => request(fakeClerkUserId('user_sync', i)));
    await run(warm, 4, 'warm');
    let next = 100;
    for (const concurrency of levels) {
      const fresh = Array.from({ length: perCase }, () => request(fakeClerkUserId('user_sync', next++)));
      cases.push({
        name: 'Clerk read + write (row missing)',
        concurrency,
        result: await run(fresh, concurrency, 'read'),
      });
      // The same users again: each row exists now (new tokens, as a browser's would be).
      const again = Array.from({ length: perCase }, (_, i) =>
        request(fakeClerkUserId('user_sync', next - perCase + i)),
      );
      cases.push({ name: 'row exists', concurrency, result: await run(again, concurrency, 'exists') });
    }
  } finally {
    await api.stop();
    await clerk.stop();
  }
  const stored = await query<{ n: number }>(databaseUrl, 'SELECT count(*)::int AS n FROM users');
  const table = markdownTable(
    ['case', 'concurrency', 'requests', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'statuses'],
    cases.map((c) => [
      c.name,
      c.concurrency,
      c.result.completed,
      c.result.perSecond,
      c.result.latencyMs.p50,
      c.result.latencyMs.p95,
      c.result.latencyMs.p99,
      Object.entries(c.result.statusCodes)
        .map(([code, n]) => `${n}×${code}`)
        .join(' '),
    ]),
  );
  const markdown = [
    '`POST /api/v1/users/sync` on `node apps/api/dist/server.js`, each request with its own RS256 session',
    'token (verified offline: CLERK_JWT_KEY), sent by a separate load-generator process. "Row missing": the',
    'API reads the user from the Backend API stand-in (CLERK_API_URL, its own process, no added latency)',
    'and writes it (201). "Row exists": the same users again (200, no Clerk call). Real Clerk adds its',
    'network round trip (typically tens of ms) to the first case only.',
    '',
    table,
    '',
    `Users stored afterwards: ${stored[0]?.n}.`,
  ].join('\n');
  return { name: 'sync-fallback', title: 'Sync fallback', machine: ctx.machine, markdown, data: { cases } };
}
