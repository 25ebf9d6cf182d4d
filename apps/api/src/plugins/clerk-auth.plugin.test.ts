import { sampleClerkUser } from '@usersync/core/internal';
import { type ClerkStandIns, createClerkSessionSigner, startClerkStandIns } from '@usersync/testing/clerk';
import { describeEachDatabase } from '@usersync/testing/database';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildTestApp, WEB_ORIGIN } from '../testing/index.ts';
import { sessionTokenFromHeader } from './clerk-auth.plugin.ts';

// What a hostile client can make the API do before it is authenticated: nothing outbound, and nothing
// at all once its IP has used up its failed-authentication budget.

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A JWT-shaped token with this header and payload and a junk signature. */
const unsignedJwt = (header: object, payload: object) => `${b64url(header)}.${b64url(payload)}.c2ln`;
const now = () => Math.floor(Date.now() / 1000);

/** Tokens Clerk's SDK would verify over the network (with our secret key) if let through. */
const MACHINE_TOKENS = {
  'API key': `ak_${'0'.repeat(26)}`,
  'M2M token': `mt_${'0'.repeat(26)}`,
  'OAuth token': `oat_${'0'.repeat(26)}`,
  'OAuth JWT (typ at+jwt)': unsignedJwt(
    { alg: 'RS256', typ: 'at+jwt', kid: 'ins_x' },
    { sub: 'user_1', exp: now() + 60 },
  ),
  'M2M JWT (sub mch_)': unsignedJwt(
    { alg: 'RS256', typ: 'JWT', kid: 'ins_x' },
    { sub: 'mch_1', exp: now() + 60 },
  ),
};

describe('sessionTokenFromHeader', () => {
  it('passes JWT-shaped session tokens and nothing else', () => {
    const token = createClerkSessionSigner().sign({ userId: 'user_1' });
    expect(sessionTokenFromHeader(`Bearer ${token}`)).toBe(token);
    expect(sessionTokenFromHeader(`bearer ${token}`)).toBe(token);
    for (const machine of Object.values(MACHINE_TOKENS))
      expect(sessionTokenFromHeader(`Bearer ${machine}`)).toBeNull();
    for (const junk of [
      '',
      'Bearer',
      'Bearer a.b',
      'Basic dXNlcjpwYXNz',
      `Bearer ${token} x`,
      'Bearer a.b.c!',
    ]) {
      expect(sessionTokenFromHeader(junk), junk).toBeNull();
    }
    expect(sessionTokenFromHeader(`Bearer a.${'b'.repeat(9000)}.c`)).toBeNull();
  });
});

describeEachDatabase('session-token-only authentication', (use) => {
  let clerk: ClerkStandIns;
  let app: FastifyInstance;
  beforeAll(async () => {
    clerk = await startClerkStandIns();
    clerk.clerkApi.jwks.push(clerk.signer.publicJwk);
    ({ app } = await buildTestApp(use().db, clerk));
  });
  afterAll(async () => {
    await app.close();
    await clerk.close();
  });

  const profile = (target: FastifyInstance, authorization: string) =>
    target.inject({ method: 'GET', url: '/api/v1/users/profile', headers: { authorization } });

  it('answers API keys, M2M and OAuth tokens 401 without calling Clerk', async () => {
    const before = clerk.clerkApi.requests.length;
    for (const [kind, token] of Object.entries(MACHINE_TOKENS)) {
      const response = await profile(app, `Bearer ${token}`);
      expect(response.statusCode, kind).toBe(401);
      expect(response.json()).toMatchObject({ code: 'unauthenticated' });
    }
    expect(clerk.clerkApi.requests.slice(before)).toEqual([]);
  });

  it('checks the failed-authentication budget of an IP before verifying its token', async () => {
    // Without CLERK_JWT_KEY, a token with an unknown key id makes Clerk's SDK fetch the JWKS: the
    // authentication work a client can trigger. Once the IP has failed 3 times, no more of it.
    const { app: networked } = await buildTestApp(use().db, clerk, {
      config: {
        rateLimitPerMinute: 3,
        clerk: { ...clerk.keys, jwtKey: null, apiUrl: clerk.clerkApi.url, maxTokenAgeSeconds: null },
      },
    });
    const stranger = createClerkSessionSigner();
    const jwksFetches = () => clerk.clerkApi.requests.filter((r) => r === 'GET /v1/jwks').length;
    const before = jwksFetches();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const forged = stranger.sign({ userId: 'user_forged', azp: WEB_ORIGIN });
      statuses.push((await profile(networked, `Bearer ${forged}`)).statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);
    expect(jwksFetches() - before).toBe(3);
    // Refused before verification: even a valid token from that IP waits for the window.
    const user = sampleClerkUser();
    clerk.clerkApi.users.set(user.id as string, user);
    expect(
      (
        await networked.inject({
          method: 'GET',
          url: '/api/v1/users/profile',
          headers: bearer(clerk, user.id as string),
        })
      ).statusCode,
    ).toBe(429);
    await networked.close();
  });

  it('verifies session tokens against the JWKS when CLERK_JWT_KEY is not set', async () => {
    const { app: networked } = await buildTestApp(use().db, clerk, {
      config: {
        clerk: { ...clerk.keys, jwtKey: null, apiUrl: clerk.clerkApi.url, maxTokenAgeSeconds: null },
      },
    });
    const user = sampleClerkUser();
    clerk.clerkApi.users.set(user.id as string, user);
    const response = await networked.inject({
      method: 'GET',
      url: '/api/v1/users/profile',
      headers: bearer(clerk, user.id as string),
    });
    expect(response.statusCode).toBe(200);
    await networked.close();
  });

  it('refuses tokens older than CLERK_MAX_TOKEN_AGE_SECONDS, or without iat, when it is set', async () => {
    const user = sampleClerkUser();
    clerk.clerkApi.users.set(user.id as string, user);
    const id = user.id as string;
    const tenYears = 10 * 365 * 86_400;
    const old = clerk.signer.sign({
      userId: id,
      azp: WEB_ORIGIN,
      issuedAt: now() - 600,
      expiresInSeconds: tenYears,
    });
    const noIat = clerk.signer.sign({ userId: id, azp: WEB_ORIGIN, extra: { iat: undefined } });
    const fresh = clerk.signer.sign({ userId: id, azp: WEB_ORIGIN });
    // Not set (the default): Clerk's checks only; a long-lived token passes.
    expect((await profile(app, `Bearer ${old}`)).statusCode).toBe(200);
    const { app: strict } = await buildTestApp(use().db, clerk, {
      config: {
        clerk: {
          ...clerk.keys,
          jwtKey: clerk.signer.publicKeyPem,
          apiUrl: clerk.clerkApi.url,
          maxTokenAgeSeconds: 300,
        },
      },
    });
    const tooOld = await profile(strict, `Bearer ${old}`);
    expect(tooOld.statusCode).toBe(401);
    expect(tooOld.json().error).toMatch(/too old/);
    expect((await profile(strict, `Bearer ${noIat}`)).json().error).toMatch(/iat/);
    expect((await profile(strict, `Bearer ${fresh}`)).statusCode).toBe(200);
    await strict.close();
  });

  it('refuses a subject longer than a Clerk user id can be, before looking it up', async () => {
    const before = clerk.clerkApi.requests.length;
    const token = clerk.signer.sign({ userId: `user_${'a'.repeat(3000)}`, azp: WEB_ORIGIN });
    const response = await profile(app, `Bearer ${token}`);
    expect(response.statusCode).toBe(401);
    expect(clerk.clerkApi.requests.slice(before)).toEqual([]);
  });
});
