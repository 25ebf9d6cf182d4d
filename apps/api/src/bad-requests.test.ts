import { randomBytes } from 'node:crypto';
import { sampleClerkEvent, sampleClerkUser } from '@usersync/core/internal';
import { type ClerkStandIns, createClerkSessionSigner, startClerkStandIns } from '@usersync/testing/clerk';
import { describeEachDatabase, snapshotTables } from '@usersync/testing/database';
import { signSvixDelivery, testWebhookSecret } from '@usersync/testing/svix';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { bearer, buildTestApp, WEB_ORIGIN } from './testing/index.ts';

// Bad input is a 4xx with a JSON error (or a 5xx for a dependency failure), and writes nothing:
// every table is compared before and after each request.

interface BadRequest {
  name: string;
  status: number;
  /** Part of the `error` message. */
  error?: string | RegExp;
  request(ctx: Ctx): InjectOptions;
  /** Runs before the request (e.g. inject a Clerk fault); its return value runs after. */
  arrange?(ctx: Ctx): unknown;
}

interface Ctx {
  clerk: ClerkStandIns;
  /** A Clerk user the fake Backend API knows but our database does not. */
  knownToClerk: string;
  /** A Clerk user whose Backend API record is unusable (too long a name). */
  unusableInClerk: string;
}

const WEBHOOK = '/api/webhooks/clerk';

function webhook(
  ctx: Ctx,
  options: {
    body?: string;
    sign?: (body: string) => Record<string, string>;
    omit?: string[];
    headers?: Record<string, string>;
  } = {},
): InjectOptions {
  const body = options.body ?? JSON.stringify(sampleClerkEvent('user.created', sampleClerkUser()));
  const signed: Record<string, string> =
    options.sign?.(body) ?? signSvixDelivery(ctx.clerk.webhookSecret, body);
  for (const name of options.omit ?? []) delete signed[name];
  return {
    method: 'POST',
    url: WEBHOOK,
    headers: { 'content-type': 'application/json', ...signed, ...options.headers },
    payload: body,
  };
}

const sync = (headers: Record<string, string> = {}): InjectOptions => ({
  method: 'POST',
  url: '/api/v1/users/sync',
  headers,
});

function patch(ctx: Ctx, payload: string | object, headers: Record<string, string> = {}): InjectOptions {
  return {
    method: 'PATCH',
    url: '/api/v1/users/profile',
    headers: {
      ...bearer(ctx.clerk, ctx.knownToClerk),
      'content-type': 'application/json',
      ...headers,
    },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  };
}

const minutes = (n: number) => new Date(Date.now() + n * 60_000);
const otherSigner = createClerkSessionSigner();

const BAD_REQUESTS: BadRequest[] = [
  // --- webhook: headers and signatures
  {
    name: 'webhook without svix-id',
    status: 400,
    error: 'Missing svix headers',
    request: (c) => webhook(c, { omit: ['svix-id'] }),
  },
  {
    name: 'webhook without svix-timestamp',
    status: 400,
    error: 'Missing svix headers',
    request: (c) => webhook(c, { omit: ['svix-timestamp'] }),
  },
  {
    name: 'webhook without svix-signature',
    status: 400,
    error: 'Missing svix headers',
    request: (c) => webhook(c, { omit: ['svix-signature'] }),
  },
  {
    name: 'webhook without any svix header',
    status: 400,
    error: 'Missing svix headers',
    request: (c) => webhook(c, { omit: ['svix-id', 'svix-timestamp', 'svix-signature'] }),
  },
  {
    name: 'webhook signed with another secret',
    status: 400,
    error: /signature/i,
    request: (c) => webhook(c, { sign: (body) => signSvixDelivery(testWebhookSecret(), body) }),
  },
  {
    name: 'webhook body changed after signing',
    status: 400,
    error: /signature/i,
    request: (c) => {
      const options = webhook(c);
      return { ...options, payload: String(options.payload).replace('Ada', 'Eve') };
    },
  },
  {
    name: 'webhook body re-serialised (pretty-printed) after signing',
    status: 400,
    error: /signature/i,
    request: (c) => {
      const options = webhook(c);
      return { ...options, payload: JSON.stringify(JSON.parse(String(options.payload)), null, 2) };
    },
  },
  {
    name: 'webhook signed 6 minutes ago',
    status: 400,
    error: /too old/,
    request: (c) =>
      webhook(c, {
        sign: (body) => signSvixDelivery(c.clerk.webhookSecret, body, { timestamp: minutes(-6) }),
      }),
  },
  {
    name: 'webhook signed 6 minutes in the future',
    status: 400,
    error: /too new/,
    request: (c) =>
      webhook(c, {
        sign: (body) => signSvixDelivery(c.clerk.webhookSecret, body, { timestamp: minutes(6) }),
      }),
  },
  {
    name: 'webhook with a non-numeric svix-timestamp',
    status: 400,
    request: (c) => webhook(c, { headers: { 'svix-timestamp': 'yesterday' } }),
  },
  {
    name: 'webhook signature replayed under another svix-id',
    status: 400,
    error: /signature/i,
    request: (c) => webhook(c, { headers: { 'svix-id': 'msg_replayed_elsewhere' } }),
  },
  {
    name: 'webhook with only an unknown signature version',
    status: 400,
    error: /signature/i,
    request: (c) =>
      webhook(c, {
        sign: (body) => {
          const signed = signSvixDelivery(c.clerk.webhookSecret, body);
          return { ...signed, 'svix-signature': signed['svix-signature'].replace('v1,', 'v2,') };
        },
      }),
  },
  {
    name: 'webhook with a 256-character svix-id',
    status: 400,
    request: (c) =>
      webhook(c, {
        sign: (body) => signSvixDelivery(c.clerk.webhookSecret, body, { svixId: `msg_${'x'.repeat(252)}` }),
      }),
  },
  {
    name: 'webhook body over 1 MiB',
    status: 413,
    request: (c) => {
      const user = sampleClerkUser({ publicMetadata: { padding: 'x'.repeat(1024 * 1024) } });
      return webhook(c, { body: JSON.stringify(sampleClerkEvent('user.created', user)) });
    },
  },
  { name: 'GET on the webhook route', status: 404, request: () => ({ method: 'GET', url: WEBHOOK }) },

  // --- authentication
  { name: 'sync without Authorization', status: 401, error: 'Sign in required', request: () => sync() },
  {
    name: 'sync with Basic credentials',
    status: 401,
    request: () => sync({ authorization: 'Basic dXNlcjpwYXNz' }),
  },
  {
    name: 'sync with a malformed token',
    status: 401,
    request: () => sync({ authorization: 'Bearer not-a-jwt' }),
  },
  {
    name: 'sync with an expired token',
    status: 401,
    error: /expired/i,
    request: (c) =>
      sync({
        authorization: `Bearer ${c.clerk.signer.sign({ userId: c.knownToClerk, azp: WEB_ORIGIN, issuedAt: Math.floor(Date.now() / 1000) - 600 })}`,
      }),
  },
  {
    name: 'sync with a token signed by another key',
    status: 401,
    request: (c) =>
      sync({ authorization: `Bearer ${otherSigner.sign({ userId: c.knownToClerk, azp: WEB_ORIGIN })}` }),
  },
  {
    name: 'sync with a token for another origin (azp)',
    status: 401,
    request: (c) => sync(bearer(c.clerk, c.knownToClerk, { azp: 'https://evil.example.com' })),
  },
  {
    name: 'sync with a token not valid yet',
    status: 401,
    request: (c) =>
      sync({
        authorization: `Bearer ${c.clerk.signer.sign({ userId: c.knownToClerk, azp: WEB_ORIGIN, issuedAt: Math.floor(Date.now() / 1000) + 600 })}`,
      }),
  },
  {
    name: 'sync with an unsigned token (alg none)',
    status: 401,
    request: (c) => {
      const [, payload] = c.clerk.signer.sign({ userId: c.knownToClerk, azp: WEB_ORIGIN }).split('.');
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      return sync({ authorization: `Bearer ${header}.${payload}.` });
    },
  },
  {
    name: 'page-load GET of the profile without a token (no Clerk handshake redirect)',
    status: 401,
    request: () => ({
      method: 'GET',
      url: '/api/v1/users/profile',
      headers: { 'sec-fetch-dest': 'document', accept: 'text/html' },
    }),
  },
  {
    name: 'page-load GET with an expired token',
    status: 401,
    request: (c) => ({
      method: 'GET',
      url: '/api/v1/users/profile',
      headers: {
        'sec-fetch-dest': 'document',
        authorization: `Bearer ${c.clerk.signer.sign({ userId: c.knownToClerk, azp: WEB_ORIGIN, issuedAt: Math.floor(Date.now() / 1000) - 600 })}`,
      },
    }),
  },
  {
    name: 'PATCH profile without a token',
    status: 401,
    request: (c) => ({ ...patch(c, { theme: 'dark' }), headers: { 'content-type': 'application/json' } }),
  },

  // --- profile updates (by a user with no row yet: a rejected body must not create one)
  {
    name: 'PATCH a Clerk-owned field (email)',
    status: 400,
    error: 'Unknown field "email"',
    request: (c) => patch(c, { email: 'evil@example.com' }),
  },
  {
    name: 'PATCH theme plus role',
    status: 400,
    error: 'Unknown field "role"',
    request: (c) => patch(c, { theme: 'dark', role: 'admin' }),
  },
  { name: 'PATCH an unknown theme', status: 400, request: (c) => patch(c, { theme: 'blue' }) },
  { name: 'PATCH a numeric theme', status: 400, request: (c) => patch(c, { theme: 1 }) },
  { name: 'PATCH an empty object', status: 400, request: (c) => patch(c, {}) },
  { name: 'PATCH an array', status: 400, request: (c) => patch(c, [{ theme: 'dark' }]) },
  { name: 'PATCH malformed JSON', status: 400, request: (c) => patch(c, '{"theme": "dark"') },
  { name: 'PATCH an empty JSON body', status: 400, request: (c) => patch(c, '') },
  {
    name: 'PATCH with __proto__',
    status: 400,
    request: (c) => patch(c, '{"theme":"dark","__proto__":{"role":"admin"}}'),
  },
  {
    name: 'PATCH as text/plain',
    status: 415,
    request: (c) => patch(c, 'theme=dark', { 'content-type': 'text/plain' }),
  },
  {
    name: 'PATCH over 16 KiB',
    status: 413,
    request: (c) => patch(c, { theme: 'dark', pad: 'x'.repeat(20_000) }),
  },
  {
    name: 'PATCH as a form',
    status: 415,
    request: (c) => patch(c, 'theme=dark', { 'content-type': 'application/x-www-form-urlencoded' }),
  },
  { name: 'PATCH null', status: 400, request: (c) => patch(c, 'null') },

  // --- the fallback sync when Clerk cannot help
  {
    name: 'sync for a user Clerk does not know',
    status: 410,
    request: (c) => sync(bearer(c.clerk, 'user_unknown_to_clerk')),
  },
  {
    name: 'sync while Clerk answers 429',
    status: 503,
    arrange: (c) => c.clerk.clerkApi.setFault(() => ({ status: 429, retryAfter: 3 })),
    request: (c) => sync(bearer(c.clerk, c.knownToClerk)),
  },
  {
    name: 'sync while Clerk answers 500',
    status: 503,
    arrange: (c) => c.clerk.clerkApi.setFault(() => ({ status: 500 })),
    request: (c) => sync(bearer(c.clerk, c.knownToClerk)),
  },
  {
    name: 'sync of a Clerk user we cannot store',
    status: 502,
    request: (c) => sync(bearer(c.clerk, c.unusableInClerk)),
  },
  ...(['created_at', 'updated_at', 'last_sign_in_at'] as const).map(
    (field): BadRequest => ({
      name: `sync of a Clerk user whose ${field} is beyond the Date range`,
      status: 502,
      arrange: (c) => {
        c.clerk.clerkApi.users.set(c.knownToClerk, {
          ...sampleClerkUser({ id: c.knownToClerk }),
          [field]: 9_000_000_000_000_000,
        });
        return () => c.clerk.clerkApi.users.set(c.knownToClerk, sampleClerkUser({ id: c.knownToClerk }));
      },
      request: (c) => sync(bearer(c.clerk, c.knownToClerk)),
    }),
  ),
  {
    // The Backend API answering about user B for a session of user A must not write B.
    name: 'sync when Clerk answers with another user',
    status: 502,
    error: 'another user',
    arrange: (c) => {
      c.clerk.clerkApi.users.set(c.knownToClerk, sampleClerkUser());
      return () => c.clerk.clerkApi.users.set(c.knownToClerk, sampleClerkUser({ id: c.knownToClerk }));
    },
    request: (c) => sync(bearer(c.clerk, c.knownToClerk)),
  },
  // --- tokens Clerk's SDK would verify over the network
  ...(['ak_', 'mt_', 'oat_'] as const).map(
    (prefix): BadRequest => ({
      name: `sync with a ${prefix}… machine token`,
      status: 401,
      error: 'session tokens',
      request: () => sync({ authorization: `Bearer ${prefix}${'0'.repeat(26)}` }),
    }),
  ),

  // --- unknown routes
  { name: 'unknown /api path', status: 404, request: () => ({ method: 'GET', url: '/api/nope' }) },
  {
    name: 'unknown /api/v1 path',
    status: 404,
    request: (c) => ({ method: 'GET', url: '/api/v1/nope', headers: bearer(c.clerk, c.knownToClerk) }),
  },
  {
    name: 'DELETE the profile',
    status: 404,
    request: (c) => ({
      method: 'DELETE',
      url: '/api/v1/users/profile',
      headers: bearer(c.clerk, c.knownToClerk),
    }),
  },
];

describeEachDatabase('bad requests write nothing', (use) => {
  let app: FastifyInstance;
  const ctx = {} as Ctx;
  beforeAll(async () => {
    ctx.clerk = await startClerkStandIns();
    ctx.knownToClerk = `user_known_${randomBytes(4).toString('hex')}`;
    ctx.clerk.clerkApi.users.set(ctx.knownToClerk, sampleClerkUser({ id: ctx.knownToClerk }));
    ctx.unusableInClerk = `user_unusable_${randomBytes(4).toString('hex')}`;
    ctx.clerk.clerkApi.users.set(
      ctx.unusableInClerk,
      sampleClerkUser({ id: ctx.unusableInClerk, firstName: 'x'.repeat(300) }),
    );
    ({ app } = await buildTestApp(use().db, ctx.clerk));
    // Some existing data, so "nothing changed" compares real rows too.
    const existing = sampleClerkUser();
    const body = JSON.stringify(sampleClerkEvent('user.created', existing));
    const response = await app.inject({ ...webhook(ctx, { body }) });
    expect(response.statusCode).toBe(200);
  });
  afterEach(() => ctx.clerk.clerkApi.setFault(undefined));
  afterAll(async () => {
    await app.close();
    await ctx.clerk.close();
  });

  it('has at least 30 cases', () => {
    expect(BAD_REQUESTS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(BAD_REQUESTS.map((c) => [c.name, c] as const))('%s', async (_name, bad) => {
    const before = await snapshotTables(use().db);
    const undo = bad.arrange?.(ctx);
    const response = await app
      .inject(bad.request(ctx))
      .finally(() => (typeof undo === 'function' ? undo() : undefined));
    expect(response.statusCode).toBe(bad.status);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const body = response.json() as { error?: unknown };
    expect(body.error).toEqual(expect.any(String));
    if (bad.error) expect(body.error).toMatch(bad.error);
    if (response.statusCode >= 500)
      expect(String(body.error)).not.toMatch(/\bat \S+:\d+|Error:|\.ts\b|ECONN|stack/);
    if (response.statusCode === 503) expect(response.headers['retry-after']).toMatch(/^\d+$/);
    expect(await snapshotTables(use().db)).toEqual(before);
  });
});
