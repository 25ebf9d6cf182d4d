import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, type Db, mapClerkUser } from '@usersync/core/internal';
import { addClerkUsers, startFakeClerkBackendApi, testClerkKeys } from '@usersync/testing/clerk';
import { describeEachDatabase } from '@usersync/testing/database';
import { runCliProcess } from '@usersync/testing/processes';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from './exit-codes.ts';

// The real binary, as operators and scripts run it: exit codes, messages, and a reconcile killed
// half-way then run again.

describe('usersync binary: help, usage and configuration errors', () => {
  it('prints help with the exit codes for the program and every command', async () => {
    const root = await runCliProcess(['--help'], {});
    expect(root.code).toBe(EXIT.ok);
    for (const command of ['migrate', 'webhook', 'reconcile', 'invite', 'users']) {
      expect(root.stdout).toContain(command);
    }
    expect(root.stdout).toMatch(/3\s+refused by a safety guard/);
    const commands = [
      ['migrate'],
      ['webhook', 'send'],
      ['webhook', 'replay'],
      ['reconcile'],
      ['backfill'],
      ['invite'],
      ['invite', 'list'],
      ['users', 'list'],
      ['users', 'show'],
    ];
    const results = await Promise.all(commands.map((args) => runCliProcess([...args, '--help'], {})));
    results.forEach((result, i) => {
      expect(result.code, commands[i]!.join(' ')).toBe(EXIT.ok);
      expect(result.stdout, commands[i]!.join(' ')).toMatch(/^Usage: usersync /);
    });
  });

  it('exits 2 on usage errors and names what is wrong', async () => {
    const [unknown, badLimit, noRole, badType] = await Promise.all([
      runCliProcess(['frobnicate'], {}),
      runCliProcess(['users', 'list', '--limit', 'many'], {}),
      runCliProcess(['invite', 'ada@example.com'], {}),
      runCliProcess(
        ['webhook', 'send', 'user.exploded', '--secret', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
        {},
      ),
    ]);
    expect(unknown).toMatchObject({
      code: EXIT.usage,
      stderr: expect.stringContaining("unknown command 'frobnicate'"),
    });
    expect(badLimit).toMatchObject({
      code: EXIT.usage,
      stderr: expect.stringContaining('not a whole number'),
    });
    expect(noRole).toMatchObject({
      code: EXIT.usage,
      stderr: expect.stringContaining('--role <role> is required'),
    });
    expect(badType).toMatchObject({
      code: EXIT.usage,
      stderr: expect.stringContaining('unknown event type'),
    });
  });

  it('exits 2 naming missing or malformed configuration, without printing secrets', async () => {
    const noKey = await runCliProcess(['reconcile'], {});
    expect(noKey.code).toBe(EXIT.usage);
    expect(noKey.stderr).toContain('CLERK_SECRET_KEY is not set');
    const badUrl = await runCliProcess(['users', 'list'], { DATABASE_URL: 'mysql://secret-password@db/x' });
    expect(badUrl.code).toBe(EXIT.usage);
    expect(badUrl.stderr).toContain('DATABASE_URL: must be a postgres:// or postgresql:// URL');
    expect(badUrl.stderr).not.toContain('secret-password');
    // DATA_DIR elsewhere: no local development secret beside it either.
    const noSecret = await runCliProcess(['webhook', 'send', 'user.created'], {
      DATA_DIR: join(tmpdir(), `usersync-no-dev-secret-${process.pid}`, 'pglite'),
    });
    expect(noSecret.code).toBe(EXIT.usage);
    expect(noSecret.stderr).toContain('CLERK_WEBHOOK_SIGNING_SECRET');
  });

  it('exits 1 when the database cannot be reached', async () => {
    const result = await runCliProcess(['users', 'list'], {
      DATABASE_URL: 'postgres://u:hunter2@127.0.0.1:9/none',
    });
    expect(result.code).toBe(EXIT.failure);
    expect(result.stderr).toContain('cannot reach the database');
    expect(result.stderr).not.toContain('hunter2');
  });

  it('says in one line (or one JSON object) that the embedded database is open in another process', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'usersync-cli-locked-'));
    try {
      // What `npm run dev`'s API leaves while it runs: the lock file beside the data folder, naming a live pid.
      writeFileSync(`${dataDir}.lock`, String(process.pid));
      const plain = await runCliProcess(['users', 'list'], { DATA_DIR: dataDir });
      expect(plain.code).toBe(EXIT.failure);
      expect(plain.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(/^usersync: The embedded database at .* is open in another process \(pid \d+/),
      ]);
      expect(plain.stderr).not.toMatch(/\n\s+at /);
      const json = await runCliProcess(['users', 'list', '--json'], { DATA_DIR: dataDir });
      expect(json.code).toBe(EXIT.failure);
      expect(JSON.parse(json.stdout)).toEqual({
        error: { message: expect.stringContaining('open in another process'), exitCode: EXIT.failure },
      });
      expect(json.stderr).toBe('');
    } finally {
      rmSync(`${dataDir}.lock`, { force: true });
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('migrates a fresh embedded database and reports status', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'usersync-cli-migrate-'));
    try {
      const env = { DATA_DIR: dataDir };
      const before = await runCliProcess(['migrate', '--status'], env);
      expect(before).toMatchObject({
        code: EXIT.ok,
        stdout: expect.stringMatching(/pending\s+2026_11_21_0001_initial/),
      });
      const migrate = await runCliProcess(['migrate'], env);
      expect(migrate).toMatchObject({
        code: EXIT.ok,
        stdout: expect.stringMatching(/^Applied \d+ migrations? to [^\n]*: 2026_11_21_0001_initial/),
      });
      const after = await runCliProcess(['migrate', '--status'], env);
      expect(after.stdout).toMatch(/applied\s+2026_11_21_0001_initial/);
      expect(after.stdout).toContain('is up to date.');
      // stdin is not a terminal here: --down (drops every table) is refused unless --yes.
      const down = await runCliProcess(['migrate', '--down'], env);
      expect(down).toMatchObject({ code: EXIT.refused, stderr: expect.stringContaining('Add --yes') });
      expect((await runCliProcess(['migrate', '--status'], env)).stdout).toContain('is up to date.');
      const confirmed = await runCliProcess(['migrate', '--down', '--yes'], env);
      expect(confirmed).toMatchObject({ code: EXIT.ok, stdout: expect.stringContaining('Reverted') });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describeEachDatabase('usersync reconcile binary: killed half-way, run again', (use, kind) => {
  const keys = testClerkKeys();
  const dataDir = kind === 'pglite' ? mkdtempSync(join(tmpdir(), 'usersync-cli-reconcile-')) : null;
  afterAll(() => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  const databaseEnv = () => (kind === 'postgres' ? { DATABASE_URL: use().url! } : { DATA_DIR: dataDir! });
  /** The database the binary used: the test's own for Postgres; the on-disk PGlite opened after the binary exits. */
  async function withDatabase<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    if (kind === 'postgres') return fn(use().db);
    const handle = createDatabase({ kind: 'pglite', dataDir: dataDir! });
    try {
      return await fn(handle.db);
    } finally {
      await handle.close();
    }
  }
  const count = (db: Db) =>
    db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.n));

  it('completes correctly after a SIGKILL mid-apply; the guard then refuses another instance (exit 3)', async () => {
    // Slow pages, so the kill lands in the middle of the run.
    const api = await startFakeClerkBackendApi({ secretKey: keys.secretKey, latencyMs: 120 });
    const other = await startFakeClerkBackendApi({ secretKey: keys.secretKey });
    try {
      const clerkUsers = addClerkUsers(api, 5_000, { prefix: 'user_kill' });
      addClerkUsers(other, 50, { prefix: 'user_elsewhere' });
      const env = { ...databaseEnv(), CLERK_SECRET_KEY: keys.secretKey, CLERK_API_URL: api.url };
      if (kind === 'pglite') expect((await runCliProcess(['migrate'], env)).code).toBe(EXIT.ok);

      let killedAt = 0;
      const killed = await runCliProcess(['reconcile', '--apply'], env, {
        onStderr: (chunk, kill) => {
          const done = [...chunk.matchAll(/applying: (\d+)\/5000/g)].map((m) => Number(m[1]));
          // A line is printed after its page committed: kill at the first one short of the end.
          if (killedAt === 0 && done.some((n) => n < 5_000)) {
            killedAt = Math.max(...done);
            kill();
          }
        },
      });
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
      const partial = await withDatabase(count);
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(5_000);

      const resumed = await runCliProcess(['reconcile', '--apply', '--json'], env);
      expect(resumed.code, resumed.stderr).toBe(EXIT.ok);
      const report = JSON.parse(resumed.stdout);
      expect(report.counts).toMatchObject({ create: 5_000 - partial, unchanged: partial, update: 0 });

      await withDatabase(async (db) => {
        const rows = await db.selectFrom('users').selectAll().execute();
        expect(rows).toHaveLength(5_000);
        const byId = new Map(rows.map((r) => [r.clerk_id, r]));
        for (const user of clerkUsers) {
          const { clerk_id, ...fields } = mapClerkUser(user);
          expect(byId.get(clerk_id)).toMatchObject(fields);
        }
      });

      const refused = await runCliProcess(['reconcile', '--apply'], { ...env, CLERK_API_URL: other.url });
      expect(refused.code).toBe(EXIT.refused);
      expect(refused.stderr).toContain('Refused: 100% of active database users are not in Clerk');
      expect(await withDatabase(count)).toBe(5_000);
    } finally {
      await Promise.all([api.close(), other.close()]);
    }
  });
});

describeEachDatabase(
  'usersync reconcile binary: Ctrl-C',
  (use) => {
    it('stops between steps on SIGINT with exit 130, keeping what was committed', async () => {
      const keys = testClerkKeys();
      const api = await startFakeClerkBackendApi({ secretKey: keys.secretKey, latencyMs: 150 });
      try {
        addClerkUsers(api, 3_000, { prefix: 'user_sigint' });
        const env = { DATABASE_URL: use().url!, CLERK_SECRET_KEY: keys.secretKey, CLERK_API_URL: api.url };
        let sent = false;
        const result = await runCliProcess(['reconcile', '--apply'], env, {
          onStderr: (chunk, kill) => {
            if (!sent && /applying: \d+/.test(chunk)) {
              sent = true;
              kill('SIGINT');
            }
          },
        });
        expect(result.code, result.stderr).toBe(EXIT.interrupted);
        expect(result.stderr).toContain('interrupted. Work already committed stays');
        const { n } = await use()
          .db.selectFrom('users')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow();
        expect(Number(n)).toBeGreaterThan(0);
        expect(Number(n)).toBeLessThan(3_000);
      } finally {
        await api.close();
      }
    });
  },
  ['postgres'],
);
