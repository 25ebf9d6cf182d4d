import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findUserByClerkId, sampleClerkEvent, sampleClerkUser } from '@usersync/core/internal';
import { type ClerkStandIns, startClerkStandIns, startFakeClerkBackendApi } from '@usersync/testing/clerk';
import { openTestDatabase, type TestDatabase } from '@usersync/testing/database';
import { BLANK_USERSYNC_ENV } from '@usersync/testing/processes';
import { signSvixDelivery } from '@usersync/testing/svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../build.ts';
import { WEB_ORIGIN } from './testing/index.ts';

// The real processes: `node src/server.ts` (development) and the esbuild bundle `dist/server.js` that
// `pnpm start:api` runs, on real ports.

const apiDir = join(dirname(fileURLToPath(import.meta.url)), '..');

interface ServerProcess {
  child: ChildProcess;
  output(): string;
  url: Promise<string>;
  exited: Promise<number | null>;
}

function startServer(script: string, env: Record<string, string>, cwd = apiDir): ServerProcess {
  const child = spawn(process.execPath, [script], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...BLANK_USERSYNC_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1] && output.includes('usersync API ready')) resolve(match[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => reject(new Error(`server exited (${code}) before listening:\n${output}`)));
  });
  url.catch(() => {});
  return { child, output: () => output, url, exited };
}

describe('node src/server.ts', () => {
  it('refuses to start in production with a list of every problem', async () => {
    const server = startServer(
      join(apiDir, 'src/server.ts'),
      { NODE_ENV: 'production', PORT: 'x' },
      tmpdir(),
    );
    expect(await server.exited).toBe(1);
    const output = server.output();
    for (const name of [
      'PORT',
      'CLERK_SECRET_KEY',
      'CLERK_PUBLISHABLE_KEY',
      'CLERK_WEBHOOK_SIGNING_SECRET',
      'WEB_ORIGIN',
    ]) {
      expect(output).toContain(`- ${name}:`);
    }
  });

  it('starts in development without Clerk keys: one warning block, 503s naming what is missing, a local webhook secret', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'usersync-api-dev-'));
    const dataDir = join(stateDir, 'pglite');
    const server = startServer('src/server.ts', {
      NODE_ENV: 'development',
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      WEB_DIST_DIR: join(stateDir, 'no-web-build-here'),
    });
    try {
      const base = await server.url;
      expect((await fetch(`${base}/api/health`)).status).toBe(200);
      const profile = await fetch(`${base}/api/v1/users/profile`, { headers: { authorization: 'Bearer x' } });
      expect(profile.status).toBe(503);
      expect(((await profile.json()) as { error: string }).error).toMatch(/CLERK_SECRET_KEY/);
      // No CLERK_WEBHOOK_SIGNING_SECRET: the development secret made beside the database is used.
      const secret = readFileSync(join(stateDir, 'dev-webhook-secret'), 'utf8').trim();
      expect(secret).toMatch(/^whsec_/);
      expect(statSync(join(stateDir, 'dev-webhook-secret')).mode & 0o777).toBe(0o600);
      const body = JSON.stringify(
        sampleClerkEvent('user.created', sampleClerkUser({ id: 'user_devsecret' })),
      );
      const webhook = await fetch(`${base}/api/webhooks/clerk`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signSvixDelivery(secret, body) },
        body,
      });
      expect(webhook.status).toBe(200);
      expect(await webhook.json()).toEqual({ status: 'applied' });
      await new Promise((resolve) => setTimeout(resolve, 300)); // let the log lines arrive
      // One line for the delivery's outcome, one for the request: not a screenful each.
      const requestId = webhook.headers.get('x-request-id')!;
      const lines = server.output().split('\n');
      const first = lines.findIndex((line) => line.includes(requestId));
      const last = lines.findLastIndex((line) => line.includes(requestId));
      expect(first).toBeGreaterThan(0);
      expect(last - first + 1, lines.slice(first, last + 1).join('\n')).toBeLessThanOrEqual(2);
      const output = server.output();
      expect(output).not.toMatch(/FSTDEP|DeprecationWarning/);
      expect(output).toContain('local development signing secret');
      expect(output).not.toContain(secret);
      expect(output.match(/running without a complete Clerk configuration/g)).toHaveLength(1);
      expect(output).not.toMatch(/CLERK_WEBHOOK_SIGNING_SECRET\s+whsec_/);
      expect(output.match(/web app not found/g)).toHaveLength(1);
      // Not an app page here: say where the app is.
      const root = await fetch(`${base}/`, { headers: { accept: 'text/html' } });
      expect(root.status).toBe(404);
      expect(await root.text()).toContain('http://localhost:5173');
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    } finally {
      server.child.kill('SIGKILL');
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});

describe('the built server (dist/server.js, as `pnpm start:api` runs it)', () => {
  let outdir: string;
  let webDir: string;
  let database: TestDatabase;
  let clerk: ClerkStandIns;
  let server: ServerProcess;
  let base: string;
  let slowClerk: Awaited<ReturnType<typeof startFakeClerkBackendApi>>;
  /** What production requires, for this test's database and Clerk stand-ins. */
  const productionEnv = () => ({
    DATABASE_URL: database.url!,
    PORT: '0',
    HOST: '127.0.0.1',
    CLERK_SECRET_KEY: clerk.keys.secretKey,
    CLERK_PUBLISHABLE_KEY: clerk.keys.publishableKey,
    CLERK_WEBHOOK_SECRET: clerk.webhookSecret,
    WEB_ORIGIN,
  });
  beforeAll(async () => {
    // Inside apps/api so the bundle resolves its npm dependencies as dist/ would.
    outdir = join(apiDir, 'node_modules', '.cache', `usersync-api-test-${randomBytes(4).toString('hex')}`);
    await buildServer(outdir);
    webDir = mkdtempSync(join(tmpdir(), 'usersync-web-dist-'));
    mkdirSync(join(webDir, 'assets'));
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>usersync</title><div id="root"></div>');
    writeFileSync(join(webDir, 'assets', 'index-abc123.js'), 'console.log("usersync")');
    database = await openTestDatabase('postgres');
    clerk = await startClerkStandIns();
    writeFileSync(
      join(webDir, 'usersync-build.json'),
      JSON.stringify({ clerkPublishableKey: clerk.keys.publishableKey }),
    );
    // Slow enough that a request is still in flight when SIGTERM arrives.
    slowClerk = await startFakeClerkBackendApi({ secretKey: clerk.keys.secretKey, latencyMs: 700 });
    server = startServer(join(outdir, 'server.js'), {
      // NODE_ENV left blank: the bundle defaults to production.
      ...productionEnv(),
      CLERK_JWT_KEY: clerk.signer.publicKeyPem.replace(/\n/g, '\\n'),
      CLERK_API_URL: slowClerk.url,
      WEB_DIST_DIR: webDir,
      LOG_LEVEL: 'info',
    });
    base = await server.url;
  });
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    await slowClerk?.close();
    await clerk?.close();
    await database?.close();
    rmSync(outdir, { recursive: true, force: true });
    rmSync(webDir, { recursive: true, force: true });
  });

  it('refuses to serve an SPA built without the publishable key, or with another one, naming the fix', async () => {
    const otherKey = `pk_test_${Buffer.from('other-instance.clerk.accounts.dev$').toString('base64')}`;
    for (const [built, expected] of [
      [null, /was built without a Clerk publishable key/],
      [otherKey, /was built with the publishable key pk_test_\S+, but CLERK_PUBLISHABLE_KEY is pk_test_/],
    ] as const) {
      const dist = mkdtempSync(join(tmpdir(), 'usersync-web-dist-'));
      try {
        writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
        writeFileSync(join(dist, 'usersync-build.json'), JSON.stringify({ clerkPublishableKey: built }));
        const refused = startServer(join(outdir, 'server.js'), { ...productionEnv(), WEB_DIST_DIR: dist });
        expect(await refused.exited).toBe(1);
        expect(refused.output()).toMatch(expected);
        expect(refused.output()).toContain('set CLERK_PUBLISHABLE_KEY and run `npm run build` again');
      } finally {
        rmSync(dist, { recursive: true, force: true });
      }
    }
  });

  it('runs in production mode with JSON logs', () => {
    const ready = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg: string; mode?: string })
      .find((entry) => entry.msg.startsWith('usersync API ready'));
    expect(ready?.mode).toBe('production');
  });

  it('serves the API, the SPA with its client-side routes, and JSON 404s under /api', async () => {
    const health = await fetch(`${base}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: 'up' });

    for (const path of ['/', '/profile', '/settings/theme?tab=1']) {
      const page = await fetch(`${base}${path}`, { headers: { accept: 'text/html,application/xhtml+xml' } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');
      expect(page.headers.get('cache-control')).toBe('no-cache');
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self' https://usersync-test.clerk.accounts.dev");
      expect(csp).toContain('https://img.clerk.com');
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(csp).toMatch(/connect-src [^;]*https:\/\/usersync-test\.clerk\.accounts\.dev/);
    }
    const asset = await fetch(`${base}/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');

    const missingApi = await fetch(`${base}/api/nope`, { headers: { accept: 'text/html' } });
    expect(missingApi.status).toBe(404);
    expect(await missingApi.json()).toMatchObject({ error: expect.stringContaining('/api/nope') });
    const missingFile = await fetch(`${base}/missing.js`);
    expect(missingFile.status).toBe(404);
  });

  it('verifies and applies a signed webhook', async () => {
    const user = sampleClerkUser();
    const body = JSON.stringify(sampleClerkEvent('user.created', user), null, 2);
    const response = await fetch(`${base}/api/webhooks/clerk`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        ...signSvixDelivery(clerk.webhookSecret, body),
      },
      body,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'applied' });
    expect(await findUserByClerkId(database.db, user.id as string)).not.toBeNull();
  });

  it('finishes an in-flight request on SIGTERM, then exits 0', async () => {
    const user = sampleClerkUser();
    const id = user.id as string;
    slowClerk.users.set(id, user);
    const inFlight = fetch(`${base}/api/v1/users/sync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${clerk.signer.sign({ userId: id, azp: WEB_ORIGIN })}` },
    });
    while (!slowClerk.requests.includes(`GET /v1/users/${id}`)) await new Promise((r) => setTimeout(r, 10));
    server.child.kill('SIGTERM');

    const response = await inFlight;
    expect(response.status).toBe(201);
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('shut down cleanly');
    expect(await findUserByClerkId(database.db, id)).not.toBeNull();
    await expect(fetch(`${base}/api/health`)).rejects.toThrow();
  });
});
