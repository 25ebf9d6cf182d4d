import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createDatabase, type Db } from '@usersync/core';
import {
  type ClerkStandIns,
  sampleClerkEvent,
  sampleClerkUser,
  startClerkStandIns,
} from '@usersync/testing/clerk';
import { openTestDatabase } from '@usersync/testing/database';
import { signSvixDelivery } from '@usersync/testing/svix';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeBinary, npmInstall } from './packed-core.ts';

// @usersync/core as a stranger gets it: the packed tarball, installed with plain npm into a project
// outside the workspace, run on Node 20, 22 and 24 against a real PostgreSQL, and type-checked by a
// strict TypeScript consumer. No workspace link, no TypeScript sources: what npm would publish.

const tarball = () => {
  const path = process.env.USERSYNC_CORE_TARBALL;
  if (!path) throw new Error('USERSYNC_CORE_TARBALL is set by src/pack-core.global-setup.ts');
  return path;
};
const bin = (name: string) => join(import.meta.dirname, '../node_modules/.bin', name);
const run = (file: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
  execFileSync(file, args, { encoding: 'utf8', stdio: 'pipe', ...options });

describe('the packed @usersync/core, installed with plain npm outside the workspace', () => {
  let project: string;
  let clerk: ClerkStandIns;
  let admin: ReturnType<typeof createDatabase>;

  beforeAll(async () => {
    project = mkdtempSync(join(tmpdir(), 'usersync-consumer-'));
    cpSync(join(import.meta.dirname, '../consumer'), project, { recursive: true });
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({
        name: 'usersync-consumer',
        private: true,
        type: 'module',
        // No @electric-sql/pglite: the optional peer is not installed, and Postgres users never load it.
        dependencies: { '@usersync/core': `file:${tarball()}` },
        devDependencies: { typescript: '5.9.3', '@types/node': '20.19.9' },
      }),
    );
    npmInstall(project);
    clerk = await startClerkStandIns();
    const server = process.env.USERSYNC_TEST_POSTGRES_URL;
    if (!server) throw new Error('the kit starts a throwaway PostgreSQL (USERSYNC_TEST_POSTGRES_URL)');
    admin = createDatabase({ kind: 'postgres', url: server });
  }, 240_000);
  afterAll(async () => {
    await clerk?.close();
    await admin?.close();
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it('passes publint, attw (ESM only) and npm publish --dry-run (offline)', () => {
    expect(run(bin('publint'), ['run', tarball(), '--strict'])).toContain('All good');
    run(bin('attw'), [tarball(), '--profile', 'esm-only']); // exits non-zero on a problem
    const publish = run('npm', ['publish', '--dry-run', '--offline', tarball()]);
    expect(publish).toContain('@usersync/core@0.1.0');
  });

  it('ships what runs and nothing of the workspace', () => {
    const files = run('tar', ['tzf', tarball()]).split('\n').filter(Boolean);
    expect(files).toEqual(
      expect.arrayContaining([
        'package/dist/index.js',
        'package/dist/index.d.ts',
        'package/LICENSE',
        'package/README.md',
        'package/CHANGELOG.md',
      ]),
    );
    expect(files.filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((f) => /test|testing|internal/.test(f))).toEqual([]);
  });

  it('a strict TypeScript consumer (nodenext) type-checks against it', () => {
    const tsc = join(project, 'node_modules/typescript/bin/tsc');
    const output = (() => {
      try {
        return run(nodeBinary(24), [tsc, '-p', project]);
      } catch (error) {
        return String((error as { stdout?: string }).stdout);
      }
    })();
    expect(output).toBe('');
  }, 180_000);

  for (const major of [20, 22, 24]) {
    it(`on Node ${major}: migrates an empty database, applies a signed delivery, ensures a user`, async () => {
      const name = `usersync_consumer_node${major}`;
      await sql`DROP DATABASE IF EXISTS ${sql.id(name)}`.execute(admin.db);
      await sql`CREATE DATABASE ${sql.id(name)}`.execute(admin.db);
      const url = new URL(process.env.USERSYNC_TEST_POSTGRES_URL!);
      url.pathname = `/${name}`;

      const userId = `user_node${major}`;
      const body = JSON.stringify(
        sampleClerkEvent('user.created', sampleClerkUser({ id: userId, email: `n${major}@example.com` })),
      );
      clerk.clerkApi.users.set(
        `user_ensured${major}`,
        sampleClerkUser({ id: `user_ensured${major}`, email: `e${major}@example.com` }),
      );
      // Not execFileSync: the Clerk stand-in answers from this process, which must keep running meanwhile.
      const { stdout: output } = await promisify(execFile)(nodeBinary(major), ['smoke.mjs'], {
        cwd: project,
        env: {
          ...process.env,
          DATABASE_URL: url.toString(),
          SIGNING_SECRET: clerk.webhookSecret,
          CLERK_SECRET_KEY: clerk.keys.secretKey,
          CLERK_API_URL: clerk.clerkApi.url,
          ENSURE_USER_ID: `user_ensured${major}`,
          DELIVERY: JSON.stringify({ body, userId, headers: signSvixDelivery(clerk.webhookSecret, body) }),
        },
        timeout: 60_000,
      });
      const result = JSON.parse(output.trim().split('\n').at(-1)!);
      expect(result).toMatchObject({
        webhook: { status: 200, body: { status: 'applied' } },
        forged: 400,
        delivered: `n${major}@example.com`,
        ensured: { status: 'created', clerkId: `user_ensured${major}`, email: `e${major}@example.com` },
        deleted: true,
      });
      expect(result.node.split('.')[0]).toBe(String(major));
      expect(result.withoutPglite).toMatch(/needs the package @electric-sql\/pglite/);

      // Migrating from the tarball installed every SQL function the workspace's own migration does.
      const consumer = createDatabase({ kind: 'postgres', url: url.toString() });
      const reference = await openTestDatabase('postgres');
      try {
        const functions = (db: Db) =>
          sql<{ name: string; definition: string }>`
            SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' AS name,
                   pg_get_functiondef(p.oid) AS definition
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'public' AND p.proname LIKE 'usersync\\_%' ORDER BY 1`
            .execute(db)
            .then((r) => r.rows);
        const installed = await functions(consumer.db);
        expect(installed.length).toBeGreaterThan(10);
        expect(installed).toEqual(await functions(reference.db));
      } finally {
        await consumer.close();
        await reference.close();
      }
    }, 120_000);
  }
});
