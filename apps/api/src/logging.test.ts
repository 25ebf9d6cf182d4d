import { sampleClerkEvent, sampleClerkUser } from '@usersync/core/internal';
import { type ClerkStandIns, startClerkStandIns } from '@usersync/testing/clerk';
import { describeEachDatabase } from '@usersync/testing/database';
import { signSvixDelivery, testWebhookSecret } from '@usersync/testing/svix';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from './app.ts';
import { loggerOptions } from './logger.ts';
import { buildTestApp, deliver, testAppConfig, WEB_ORIGIN } from './testing/index.ts';

// Secrets, session tokens and Svix signatures never reach the log, on any path: success, rejection,
// Clerk failures, and code that logs request headers wholesale.
describeEachDatabase(
  'logs',
  (use) => {
    let clerk: ClerkStandIns;
    let app: FastifyInstance;
    let logs: string[];
    const secrets: string[] = [];
    beforeAll(async () => {
      clerk = await startClerkStandIns();
      ({ app, logs } = await buildTestApp(use().db, clerk, { captureLogs: true }));
      secrets.push(clerk.keys.secretKey, clerk.webhookSecret, clerk.webhookSecret.slice('whsec_'.length));
    });
    afterAll(async () => {
      await app.close();
      await clerk.close();
    });

    function token(userId: string, issuedAt?: number) {
      const value = clerk.signer.sign({ userId, azp: WEB_ORIGIN, ...(issuedAt && { issuedAt }) });
      secrets.push(value, value.split('.')[2]!);
      return { authorization: `Bearer ${value}` };
    }

    it('contain no secret, token or signature', async () => {
      // Webhooks: applied, duplicate, bad signature, invalid payload.
      for (const body of [
        JSON.stringify(sampleClerkEvent('user.created', sampleClerkUser())),
        JSON.stringify({ type: 'user.created', data: {} }),
      ]) {
        const headers = signSvixDelivery(clerk.webhookSecret, body);
        secrets.push(headers['svix-signature'], headers['svix-signature'].slice(3));
        await deliver(app, clerk, body, { svixId: headers['svix-id'], headers });
        await deliver(app, clerk, body, { svixId: headers['svix-id'], headers });
        const forged = signSvixDelivery(testWebhookSecret(), body);
        secrets.push(forged['svix-signature']);
        await app.inject({ method: 'POST', url: '/api/webhooks/clerk', headers: forged, payload: body });
      }

      // Sessions: valid (Clerk 200, 500, 429, 404), expired, garbage.
      const user = sampleClerkUser();
      clerk.clerkApi.users.set(user.id as string, user);
      const sync = (headers: Record<string, string>) =>
        app.inject({ method: 'POST', url: '/api/v1/users/sync', headers });
      clerk.clerkApi.setFault(() => ({ status: 500 }));
      expect((await sync(token(user.id as string))).statusCode).toBe(503);
      clerk.clerkApi.setFault(() => ({ status: 429, retryAfter: 2 }));
      expect((await sync(token(user.id as string))).statusCode).toBe(503);
      clerk.clerkApi.setFault(undefined);
      expect((await sync(token(user.id as string))).statusCode).toBe(201);
      expect((await sync(token('user_missing'))).statusCode).toBe(410);
      expect((await sync(token(user.id as string, Math.floor(Date.now() / 1000) - 3600))).statusCode).toBe(
        401,
      );
      expect((await sync({ authorization: 'Bearer abc.def.ghi' })).statusCode).toBe(401);

      // Clerk rejecting our secret key: the error path logs Clerk's answer, not the key.
      const { app: misconfigured, logs: misconfiguredLogs } = await buildTestApp(use().db, clerk, {
        captureLogs: true,
        config: {
          clerk: {
            secretKey: 'sk_test_wrong_key_that_must_not_be_logged',
            publishableKey: clerk.keys.publishableKey,
            jwtKey: clerk.signer.publicKeyPem,
            apiUrl: clerk.clerkApi.url,
            maxTokenAgeSeconds: null,
          },
        },
      });
      secrets.push('sk_test_wrong_key_that_must_not_be_logged');
      const other = sampleClerkUser();
      clerk.clerkApi.users.set(other.id as string, other);
      const rejected = await misconfigured.inject({
        method: 'POST',
        url: '/api/v1/users/sync',
        headers: token(other.id as string),
      });
      expect(rejected.statusCode).toBe(503);
      await misconfigured.close();
      logs.push(...misconfiguredLogs);

      const text = logs.join('\n');
      expect(logs.length).toBeGreaterThan(20);
      expect(text).toContain('clerk webhook delivery');
      expect(text).toContain('Clerk Backend API call failed');
      for (const secret of secrets) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/Bearer [A-Za-z0-9_-]{20}/);
    });

    it('redact authorization, cookie and svix-signature when a handler logs headers', async () => {
      // A route that logs every header, as careless code might; added before ready().
      const lines: string[] = [];
      const app2 = await buildApp({
        config: testAppConfig(clerk),
        db: use().db,
        logger: loggerOptions({ level: 'info', stream: { write: (line) => void lines.push(line) } }),
      });
      app2.get('/api/test-only/log-headers', async (request) => {
        request.log.info({ headers: request.headers, req: { headers: request.headers } }, 'headers');
        return { ok: true };
      });
      await app2.ready();
      const signature = 'v1,c2VjcmV0LXNpZ25hdHVyZS12YWx1ZQ==';
      const response = await app2.inject({
        method: 'GET',
        url: '/api/test-only/log-headers?__clerk_handshake=secret-handshake-token',
        headers: {
          authorization: 'Bearer secret-session-token',
          cookie: '__session=secret-cookie-token',
          'svix-signature': signature,
        },
      });
      expect(response.statusCode).toBe(200);
      await app2.close();
      const text = lines.join('\n');
      expect(text).toContain('"headers"');
      expect(text).toContain('[redacted]');
      for (const secret of [
        'secret-session-token',
        'secret-cookie-token',
        signature,
        'secret-handshake-token',
      ]) {
        expect(text).not.toContain(secret);
      }
    });
  },
  ['pglite'],
);
