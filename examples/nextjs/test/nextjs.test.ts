import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  type ClerkStandIns,
  sampleClerkEvent,
  sampleClerkOrganization,
  sampleClerkOrganizationMembership,
  sampleClerkUser,
  startClerkStandIns,
} from '@usersync/testing/clerk';
import { openTestDatabase, type TestDatabase } from '@usersync/testing/database';
import { signSvixDelivery, testWebhookSecret } from '@usersync/testing/svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The example as it runs in production: `next build`, then `next start` on a port, driven over HTTP with
// deliveries signed as Svix signs them and session tokens signed locally (verified offline through
// CLERK_JWT_KEY), on a real PostgreSQL, with the Backend API stand-in for Clerk's servers.
// Not covered (needs Clerk's servers or a browser): Clerk's hosted sign-in and clerk-js in the browser,
// cookie sessions with Clerk's handshake on development keys, JWKS fetched without CLERK_JWT_KEY.

const example = join(import.meta.dirname, '..');
const next = join(example, 'node_modules/next/dist/bin/next');

describe('examples/nextjs: usersync in a Next.js App Router app', () => {
  let clerk: ClerkStandIns;
  let database: TestDatabase;
  let server: ChildProcess | undefined;
  let base: string;
  const output: string[] = [];

  beforeAll(async () => {
    clerk = await startClerkStandIns();
    database = await openTestDatabase('postgres');
    const env = {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: '1',
      NEXT_PUBLIC_CLERK_TELEMETRY_DISABLED: '1',
      NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: clerk.keys.publishableKey,
      CLERK_SECRET_KEY: clerk.keys.secretKey,
      CLERK_JWT_KEY: clerk.signer.publicKeyPem,
      CLERK_API_URL: clerk.clerkApi.url,
      CLERK_WEBHOOK_SIGNING_SECRET: clerk.webhookSecret,
      DATABASE_URL: database.url!,
    };
    const buildStarted = performance.now();
    await promisify(execFile)(process.execPath, [next, 'build'], { cwd: example, env, timeout: 300_000 });
    console.log(`examples/nextjs: next build in ${((performance.now() - buildStarted) / 1000).toFixed(1)} s`);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // On every interface (no -H): Clerk's middleware rewrites to `localhost`, which Next proxies to itself.
    server = spawn(process.execPath, [next, 'start', '-p', String(port)], { cwd: example, env });
    server.stdout?.on('data', (chunk) => output.push(String(chunk)));
    server.stderr?.on('data', (chunk) => output.push(String(chunk)));
    await waitFor(base, server, output);
  }, 360_000);
  afterAll(async () => {
    server?.kill('SIGTERM');
    await clerk?.close();
    await database?.close();
  });

  const deliver = (type: string, data: Record<string, unknown>, secret = clerk.webhookSecret) => {
    const body = JSON.stringify(sampleClerkEvent(type, data));
    return fetch(`${base}/api/webhooks/clerk`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signSvixDelivery(secret, body) },
      body,
    });
  };
  const page = (clerkUserId?: string) =>
    fetch(`${base}/`, {
      headers: clerkUserId ? { authorization: `Bearer ${clerk.signer.sign({ userId: clerkUserId })}` } : {},
    }).then(async (response) => ({ status: response.status, html: await response.text() }));

  it('the route handler applies signed deliveries and refuses forged ones', async () => {
    const ada = sampleClerkUser({
      id: 'user_next_ada',
      email: 'ada@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
    });
    const created = await deliver('user.created', ada);
    expect([created.status, await created.json()]).toEqual([200, { status: 'applied' }]);
    const forged = await deliver(
      'user.created',
      sampleClerkUser({ id: 'user_next_forged' }),
      testWebhookSecret(),
    );
    expect(forged.status).toBe(400);
    const unsigned = await fetch(`${base}/api/webhooks/clerk`, { method: 'POST', body: '{}' });
    expect([unsigned.status, await unsigned.json()]).toEqual([
      400,
      { error: 'Missing svix headers', code: 'missing_svix_headers' },
    ]);
    const rows = await database.db.selectFrom('users').select('clerk_id').orderBy('clerk_id').execute();
    expect(rows.map((r) => r.clerk_id)).toEqual(['user_next_ada']);
  });

  it('a signed-in page shows the row the webhook made, and the user’s organizations', async () => {
    const organization = sampleClerkOrganization({ id: 'org_next_engines', name: 'Analytical Engines' });
    expect((await deliver('organization.created', organization)).status).toBe(200);
    const membership = sampleClerkOrganizationMembership({
      organization,
      userId: 'user_next_ada',
      role: 'org:admin',
    });
    expect((await deliver('organizationMembership.created', membership)).status).toBe(200);
    const { status, html } = await page('user_next_ada');
    expect(status).toBe(200);
    expect(html).toContain('Signed in as <!-- -->ada@example.com');
    expect(html).toMatch(/data-testid="sync-status">Row (<!-- -->)?existing</);
    expect(html).toContain('Analytical Engines<!-- --> (<!-- -->org:admin<!-- -->)');
  });

  it('a signed-in user the webhook has not brought is read from Clerk (ensureUser) and stored', async () => {
    clerk.clerkApi.users.set(
      'user_next_late',
      sampleClerkUser({ id: 'user_next_late', email: 'late@example.com' }),
    );
    const { html } = await page('user_next_late');
    expect(html).toMatch(/data-testid="sync-status">Row (<!-- -->)?created</);
    const row = await database.db
      .selectFrom('users')
      .select('email')
      .where('clerk_id', '=', 'user_next_late')
      .executeTakeFirst();
    expect(row?.email).toBe('late@example.com');
    expect(clerk.clerkApi.requests).toContain('GET /v1/users/user_next_late');
  });

  it('without a valid session the page shows nothing of anyone', async () => {
    const anonymous = await page();
    expect(anonymous.html).toContain('Not signed in');
    const forgedToken = await fetch(`${base}/`, { headers: { authorization: 'Bearer x.y.z' } }).then((r) =>
      r.text(),
    );
    expect(forgedToken).not.toContain('Signed in as');
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

async function waitFor(base: string, server: ChildProcess, output: string[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`next start exited: ${output.join('')}`);
    if (
      await fetch(`${base}/api/webhooks/clerk`, { method: 'GET' }).then(
        () => true,
        () => false,
      )
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`next start did not answer within 60 s: ${output.join('')}`);
}
