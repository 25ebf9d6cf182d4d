// Measures `usersync reconcile --apply` end to end: the real binary against the Clerk Backend API
// stand-in, on a throwaway Postgres (or DATABASE_URL) or an on-disk PGlite. Prints users/s and the
// binary's peak memory. Not part of the test suite (speed is measured, not asserted).
//
//   node apps/cli/scripts/measure-reconcile.ts [users=100000] [postgres|pglite]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, migrateToLatest } from '@usersync/core/internal';
import { addClerkUsers, startFakeClerkBackendApi, testClerkKeys } from '@usersync/testing/clerk';
import { startThrowawayPostgres } from '@usersync/testing/database';
import { CLI_ENTRY } from '@usersync/testing/processes';

const users = Number(process.argv[2] ?? 100_000);
const kind = (process.argv[3] ?? 'postgres') as 'postgres' | 'pglite';
const keys = testClerkKeys();
const api = await startFakeClerkBackendApi({ secretKey: keys.secretKey });
addClerkUsers(api, users);

let databaseEnv: Record<string, string>;
let cleanup: () => void;
if (kind === 'postgres') {
  const server = process.env.DATABASE_URL ? null : await startThrowawayPostgres();
  const url = process.env.DATABASE_URL ?? server!.url;
  const handle = createDatabase({ kind: 'postgres', url });
  await migrateToLatest(handle.db);
  await handle.close();
  databaseEnv = { DATABASE_URL: url };
  cleanup = () => server?.destroy();
} else {
  const dataDir = mkdtempSync(join(tmpdir(), 'usersync-measure-'));
  const handle = createDatabase({ kind: 'pglite', dataDir });
  await migrateToLatest(handle.db);
  await handle.close();
  databaseEnv = { DATA_DIR: dataDir };
  cleanup = () => rmSync(dataDir, { recursive: true, force: true });
}

// The binary runs in a child process; the stand-in answers from this one (an async spawn, so it can).
const run = (args: string[]) =>
  new Promise<{ report: { durationMs: number; usersPerSecond: number; counts: unknown }; maxRssKb: number }>(
    (resolve, reject) => {
      import('node:child_process').then(({ spawn }) => {
        const child = spawn('/usr/bin/time', ['-f', '%M', process.execPath, CLI_ENTRY, ...args, '--json'], {
          env: { ...process.env, ...databaseEnv, CLERK_SECRET_KEY: keys.secretKey, CLERK_API_URL: api.url },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c) => (stdout += c));
        child.stderr.on('data', (c) => (stderr += c));
        child.on('close', (code) => {
          if (code !== 0) return reject(new Error(`exit ${code}: ${stderr}`));
          const maxRssKb = Number(stderr.trim().split('\n').at(-1));
          resolve({ report: JSON.parse(stdout), maxRssKb });
        });
      }, reject);
    },
  );

try {
  if (spawnSync('/usr/bin/time', ['true']).status !== 0) throw new Error('/usr/bin/time is needed');
  for (const [label, args] of [
    ['first --apply (all new)', ['reconcile', '--apply']],
    ['second --apply (nothing to do)', ['reconcile', '--apply']],
    ['dry run', ['reconcile']],
  ] as const) {
    const { report, maxRssKb } = await run([...args]);
    console.log(
      `${kind} ${users} users, ${label}: ${(report.durationMs / 1000).toFixed(1)} s, ${report.usersPerSecond} users/s, ` +
        `peak RSS ${(maxRssKb / 1024).toFixed(0)} MB, counts ${JSON.stringify(report.counts)}`,
    );
  }
} finally {
  await api.close();
  cleanup();
}
