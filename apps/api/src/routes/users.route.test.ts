import {
  createInvitation,
  findUserByClerkId,
  sampleClerkEvent,
  sampleClerkUser,
} from '@usersync/core/internal';
import { type ClerkStandIns, startClerkStandIns, startFakeClerkBackendApi } from '@usersync/testing/clerk';
import { describeEachDatabase } from '@usersync/testing/database';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildTestApp, deliver, testAppConfig, WEB_ORIGIN } from '../testing/index.ts';

describeEachDatabase('/api/v1/users', (use) => {
  let clerk: ClerkStandIns;
  let app: FastifyInstance;
  beforeAll(async () => {
    clerk = await startClerkStandIns();
    ({ app } = await buildTestApp(use().db, clerk));
  });
  afterEach(() => clerk.clerkApi.setFault(undefined));
  afterAll(async () => {
    await app.close();
    await clerk.close();
  });

  /** A user Clerk knows; our database does not (yet). */
  function clerkUser(options: Parameters<typeof sampleClerkUser>[0] = {}) {
    const user = sampleClerkUser(options);
    clerk.clerkApi.users.set(user.id as string, user);
    return { user, id: user.id as string };
  }
  const clerkCalls = (id: string) =>
    clerk.clerkApi.requests.filter((r) => r === `GET /v1/users/${id}`).length;
  const sync = (id: string, extra: { payload?: string; headers?: Record<string, string> } = {}) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/users/sync',
      headers: { ...bearer(clerk, id), ...extra.headers },
      ...(extra.payload !== undefined && { payload: extra.payload }),
    });

  describe('POST /sync', () => {
    it('creates a missing row from Clerk (201), then answers 200 existing without calling Clerk', async () => {
      const { id } = clerkUser({ firstName: 'Katherine', lastName: 'Johnson', email: 'kj@example.com' });
      const first = await sync(id);
      expect(first.statusCode).toBe(201);
      expect(first.json()).toEqual({
        status: 'created',
        profile: {
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          clerkId: id,
          email: 'kj@example.com',
          emailVerified: true,
          firstName: 'Katherine',
          lastName: 'Johnson',
          username: null,
          imageUrl: `https://img.clerk.com/${id}.png`,
          phoneNumber: null,
          role: 'member',
          settings: { theme: 'system' },
          memberSince: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          plan: null,
          organizations: [],
        },
      });
      expect(clerkCalls(id)).toBe(1);

      const second = await sync(id);
      expect(second.statusCode).toBe(200);
      expect(second.json()).toMatchObject({ status: 'existing', profile: { id: first.json().profile.id } });
      expect(clerkCalls(id)).toBe(1);
    });

    it('uses no profile data from the request', async () => {
      const { id } = clerkUser({ email: 'real@example.com', firstName: 'Real' });
      const response = await sync(id, {
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ email: 'forged@example.com', firstName: 'Forged', role: 'admin' }),
      });
      expect(response.statusCode).toBe(201);
      expect(response.json().profile).toMatchObject({
        email: 'real@example.com',
        firstName: 'Real',
        role: 'member',
      });
      expect(await findUserByClerkId(use().db, id)).toMatchObject({
        email: 'real@example.com',
        role: 'member',
      });
    });

    it.each([
      ['no body', {}],
      ['an empty JSON body', { headers: { 'content-type': 'application/json' }, payload: '' }],
      ['{}', { headers: { 'content-type': 'application/json' }, payload: '{}' }],
      ['a non-JSON body', { headers: { 'content-type': 'text/plain' }, payload: 'hello' }],
    ])('accepts %s', async (_label, extra) => {
      const { id } = clerkUser();
      expect((await sync(id, extra)).statusCode).toBe(201);
    });

    it('applies the role of an open invitation to a new user', async () => {
      await createInvitation(use().db, { email: 'invited@example.com', role: 'admin' });
      const { id } = clerkUser({ email: 'invited@example.com' });
      expect((await sync(id)).json().profile.role).toBe('admin');
    });

    it('answers 410 for a soft-deleted user, without calling Clerk', async () => {
      const { user, id } = clerkUser();
      expect((await sync(id)).statusCode).toBe(201);
      expect((await deliver(app, clerk, sampleClerkEvent('user.deleted', user))).json()).toEqual({
        status: 'applied',
      });
      const before = clerkCalls(id);
      const response = await sync(id);
      expect(response.statusCode).toBe(410);
      expect(response.json()).toMatchObject({ code: 'user_deleted' });
      expect(clerkCalls(id)).toBe(before);
    });

    it('answers 410 for a tombstoned (hard-deleted) user, without calling Clerk', async () => {
      const { app: hardApp } = await buildTestApp(use().db, clerk, {
        config: { sync: { deleteMode: 'hard', defaultRole: 'member' } },
      });
      const { user, id } = clerkUser();
      expect((await sync(id)).statusCode).toBe(201);
      expect((await deliver(hardApp, clerk, sampleClerkEvent('user.deleted', user))).statusCode).toBe(200);
      expect(await findUserByClerkId(use().db, id)).toBeNull();
      const before = clerkCalls(id);
      expect((await sync(id)).statusCode).toBe(410);
      expect(clerkCalls(id)).toBe(before);
      await hardApp.close();
    });

    it('answers 410 when Clerk no longer knows the user (404)', async () => {
      const response = await sync('user_gone_from_clerk');
      expect(response.statusCode).toBe(410);
      expect(response.json()).toMatchObject({ code: 'user_deleted' });
      expect(clerkCalls('user_gone_from_clerk')).toBe(1);
    });

    it("answers 503 with Clerk's Retry-After when Clerk rate-limits us (429)", async () => {
      const { id } = clerkUser();
      clerk.clerkApi.setFault(() => ({ status: 429, retryAfter: 7 }));
      const response = await sync(id);
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('7');
      expect(response.json()).toMatchObject({ code: 'clerk_rate_limited' });
      clerk.clerkApi.setFault(undefined);
      expect((await sync(id)).statusCode).toBe(201);
    });

    it('answers 503 with Retry-After when Clerk fails (500), is slow, or is unreachable', async () => {
      const { id } = clerkUser();
      clerk.clerkApi.setFault(() => ({ status: 500 }));
      const failing = await sync(id);
      expect(failing.statusCode).toBe(503);
      expect(failing.headers['retry-after']).toMatch(/^\d+$/);
      expect(failing.json().error).not.toMatch(/injected|internal_error|500/);

      // A 200 after the timeout: only the timeout can turn this into a 503.
      clerk.clerkApi.setFault(() => ({ status: 200, delayMs: 1_000 }));
      const { app: impatient } = await buildTestApp(use().db, clerk, { config: { clerkTimeoutMs: 200 } });
      const slow = await impatient.inject({
        method: 'POST',
        url: '/api/v1/users/sync',
        headers: bearer(clerk, id),
      });
      expect(slow.statusCode).toBe(503);
      await impatient.close();
      clerk.clerkApi.setFault(undefined);

      const { app: offline } = await buildTestApp(use().db, clerk, {
        config: {
          clerk: {
            secretKey: clerk.keys.secretKey,
            publishableKey: clerk.keys.publishableKey,
            jwtKey: clerk.signer.publicKeyPem,
            apiUrl: 'http://127.0.0.1:9', // discard port: connection refused
            maxTokenAgeSeconds: null,
          },
        },
      });
      const unreachable = await offline.inject({
        method: 'POST',
        url: '/api/v1/users/sync',
        headers: bearer(clerk, id),
      });
      expect(unreachable.statusCode).toBe(503);
      expect(unreachable.headers['retry-after']).toMatch(/^\d+$/);
      await offline.close();
      expect(await findUserByClerkId(use().db, id)).toBeNull();
    });

    it('makes one Clerk call and one row for concurrent first requests of one user', async () => {
      // A slow Clerk keeps the flight open while the other requests arrive.
      const slowClerk = await startFakeClerkBackendApi({ secretKey: clerk.keys.secretKey, latencyMs: 150 });
      const { app: replica } = await buildTestApp(use().db, clerk, {
        config: { clerk: { ...testAppConfig(clerk).clerk, apiUrl: slowClerk.url } },
      });
      const user = sampleClerkUser();
      const id = user.id as string;
      slowClerk.users.set(id, user);
      const first = Array.from({ length: 12 }, () =>
        replica.inject({ method: 'POST', url: '/api/v1/users/sync', headers: bearer(clerk, id) }),
      );
      const responses = await Promise.all(first);
      // Stragglers after the flight has landed find the row.
      responses.push(
        await replica.inject({ method: 'GET', url: '/api/v1/users/profile', headers: bearer(clerk, id) }),
      );
      expect(responses.map((r) => r.statusCode).every((s) => s === 200 || s === 201)).toBe(true);
      expect(responses.filter((r) => r.statusCode === 201).length).toBeGreaterThan(0);
      expect(new Set(responses.map((r) => (r.json().profile ?? r.json()).id)).size).toBe(1);
      expect(slowClerk.requests.filter((r) => r === `GET /v1/users/${id}`)).toHaveLength(1);
      const rows = await use().db.selectFrom('users').select('id').where('clerk_id', '=', id).execute();
      expect(rows).toHaveLength(1);
      await replica.close();
      await slowClerk.close();
    });

    it('answers 503 naming the variables when Clerk is not configured', async () => {
      const { app: unconfigured } = await buildTestApp(use().db, clerk, {
        config: {
          clerk: {
            secretKey: null,
            publishableKey: null,
            jwtKey: null,
            apiUrl: clerk.clerkApi.url,
            maxTokenAgeSeconds: null,
          },
        },
      });
      const response = await unconfigured.inject({
        method: 'POST',
        url: '/api/v1/users/sync',
        headers: bearer(clerk, 'user_x'),
      });
      expect(response.statusCode).toBe(503);
      expect(response.json().error).toMatch(/CLERK_SECRET_KEY.*CLERK_PUBLISHABLE_KEY/);
      await unconfigured.close();
    });
  });

  describe('GET and PATCH /profile', () => {
    it('syncs a missing row first (server-side fallback), then returns the profile', async () => {
      const { id } = clerkUser({ firstName: 'Skipped', lastName: 'Callback' });
      const response = await app.inject({
        method: 'GET',
        url: '/api/v1/users/profile',
        headers: bearer(clerk, id),
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        clerkId: id,
        firstName: 'Skipped',
        settings: { theme: 'system' },
      });
      expect(await findUserByClerkId(use().db, id)).not.toBeNull();
    });

    it('changes the theme and nothing else', async () => {
      const { id } = clerkUser({ firstName: 'Theme' });
      const created = (await sync(id)).json().profile;
      const response = await app.inject({
        method: 'PATCH',
        url: '/api/v1/users/profile',
        headers: bearer(clerk, id),
        payload: { theme: 'dark' },
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ ...created, settings: { theme: 'dark' } });
      const reread = await app.inject({
        method: 'GET',
        url: '/api/v1/users/profile',
        headers: bearer(clerk, id),
      });
      expect(reread.json().settings).toEqual({ theme: 'dark' });
    });

    it('returns only the settings the contract declares, whatever else preferences hold', async () => {
      const { id } = clerkUser();
      const created = (await sync(id)).json().profile;
      await use()
        .db.updateTable('user_settings')
        .set({ preferences: JSON.stringify({ internalNote: 'not for the browser' }) })
        .where('user_id', '=', created.id)
        .execute();
      const profile = (
        await app.inject({ method: 'GET', url: '/api/v1/users/profile', headers: bearer(clerk, id) })
      ).json();
      expect(profile.settings).toEqual({ theme: 'system' });
      const patched = await app.inject({
        method: 'PATCH',
        url: '/api/v1/users/profile',
        headers: bearer(clerk, id),
        payload: { internalNote: 'from the browser' },
      });
      expect(patched.statusCode).toBe(400);
    });

    it('keeps a theme set in the app when Clerk later sends a newer version of the user', async () => {
      const { user, id } = clerkUser({ updatedAt: 1_800_000_000_000 });
      await sync(id);
      await app.inject({
        method: 'PATCH',
        url: '/api/v1/users/profile',
        headers: bearer(clerk, id),
        payload: { theme: 'light' },
      });
      const updated = { ...user, first_name: 'Renamed', updated_at: 1_800_000_000_999 };
      expect((await deliver(app, clerk, sampleClerkEvent('user.updated', updated))).json()).toEqual({
        status: 'applied',
      });
      const profile = (
        await app.inject({ method: 'GET', url: '/api/v1/users/profile', headers: bearer(clerk, id) })
      ).json();
      expect(profile).toMatchObject({ firstName: 'Renamed', settings: { theme: 'light' } });
    });
  });

  describe('around the routes', () => {
    it('rate-limits per signed-in user, not per IP', async () => {
      const { app: strict } = await buildTestApp(use().db, clerk, { config: { rateLimitPerMinute: 3 } });
      const a = clerkUser().id;
      const b = clerkUser().id;
      const get = (id: string) =>
        strict.inject({ method: 'GET', url: '/api/v1/users/profile', headers: bearer(clerk, id) });
      for (let i = 0; i < 3; i++) expect((await get(a)).statusCode).toBe(200);
      const limited = await get(a);
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toMatchObject({ code: 'rate_limited' });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // Same IP, other user: unaffected.
      expect((await get(b)).statusCode).toBe(200);
      // Failed authentications are limited per IP.
      const guess = () =>
        strict.inject({
          method: 'GET',
          url: '/api/v1/users/profile',
          headers: { authorization: 'Bearer guess' },
        });
      for (let i = 0; i < 3; i++) expect((await guess()).statusCode).toBe(401);
      expect((await guess()).statusCode).toBe(429);
      const anonymous = await strict.inject({ method: 'POST', url: '/api/v1/users/sync' });
      expect(anonymous.statusCode).toBe(429);
      // The IP's budget is checked before any token is verified: its valid users wait out the window too.
      expect((await get(b)).statusCode).toBe(429);
      // The webhook route is not rate-limited.
      for (let i = 0; i < 5; i++) {
        expect(
          (await deliver(strict, clerk, sampleClerkEvent('user.created', sampleClerkUser()))).statusCode,
        ).toBe(200);
      }
      await strict.close();
    });

    it('allows CORS from WEB_ORIGIN only', async () => {
      const preflight = (origin: string) =>
        app.inject({
          method: 'OPTIONS',
          url: '/api/v1/users/profile',
          headers: {
            origin,
            'access-control-request-method': 'PATCH',
            'access-control-request-headers': 'authorization,content-type',
          },
        });
      const allowed = await preflight(WEB_ORIGIN);
      expect(allowed.headers['access-control-allow-origin']).toBe(WEB_ORIGIN);
      expect(String(allowed.headers['access-control-allow-headers'])).toContain('authorization');
      const denied = await preflight('https://evil.example.com');
      expect(denied.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
});

// Two API replicas (separate pools) on one database, racing first requests, webhooks and each other.
describeEachDatabase(
  'two app instances on one database',
  (use) => {
    let clerk: ClerkStandIns;
    let apps: FastifyInstance[];
    beforeAll(async () => {
      clerk = await startClerkStandIns();
      apps = [
        (await buildTestApp(use().db, clerk)).app,
        (await buildTestApp(use().openAnotherConnection(), clerk)).app,
      ];
    });
    afterAll(async () => {
      await Promise.all(apps.map((a) => a.close()));
      await clerk.close();
    });

    it('end with one row per user and one Clerk call per user per instance', async () => {
      const users = Array.from({ length: 15 }, (_, i) =>
        sampleClerkUser({ updatedAt: 1_800_000_000_000 + i }),
      );
      for (const user of users) clerk.clerkApi.users.set(user.id as string, user);
      const work = users.flatMap((user, i) => {
        const id = user.id as string;
        const requests = apps.flatMap((app) =>
          Array.from({ length: 4 }, () =>
            app.inject({ method: 'POST', url: '/api/v1/users/sync', headers: bearer(clerk, id) }),
          ),
        );
        // Every third user's user.created webhook also arrives, at both replicas, while they sync.
        const webhooks =
          i % 3 === 0 ? apps.map((app) => deliver(app, clerk, sampleClerkEvent('user.created', user))) : [];
        return [...requests, ...webhooks];
      });
      const responses = await Promise.all(work);
      expect(responses.every((r) => r.statusCode >= 200 && r.statusCode < 300)).toBe(true);

      for (const user of users) {
        const id = user.id as string;
        const calls = clerk.clerkApi.requests.filter((r) => r === `GET /v1/users/${id}`).length;
        expect(calls).toBeLessThanOrEqual(2);
        const rows = await use().db.selectFrom('users').selectAll().where('clerk_id', '=', id).execute();
        expect(rows).toHaveLength(1);
        expect(rows[0]?.clerk_updated_at?.getTime()).toBe(user.updated_at);
      }
      const ids = new Set(
        responses
          .filter((r) => r.json().profile)
          .map((r) => `${r.json().profile.clerkId}:${r.json().profile.id}`),
      );
      expect(ids.size).toBe(users.length);
      const settings = await use().db.selectFrom('user_settings').select('user_id').execute();
      expect(settings).toHaveLength(users.length);
    });

    it('apply a newer user.updated at one replica while the other syncs an older read', async () => {
      const old = sampleClerkUser({ updatedAt: 1_800_000_000_000, firstName: 'Old' });
      const id = old.id as string;
      clerk.clerkApi.users.set(id, old);
      const newer = { ...old, first_name: 'New', updated_at: 1_800_000_000_500 };
      const [synced, delivered] = await Promise.all([
        apps[0]!.inject({ method: 'POST', url: '/api/v1/users/sync', headers: bearer(clerk, id) }),
        deliver(apps[1]!, clerk, sampleClerkEvent('user.updated', newer)),
      ]);
      expect([200, 201]).toContain(synced.statusCode);
      expect(delivered.statusCode).toBe(200);
      expect((await findUserByClerkId(use().db, id))?.first_name).toBe('New');
    });
  },
  ['postgres'],
);
