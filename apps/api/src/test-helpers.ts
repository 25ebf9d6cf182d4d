import type { Db } from '@usersync/core/db';
import {
  type ClerkSessionSigner,
  createClerkSessionSigner,
  type FakeClerkBackendApi,
  signSvixDelivery,
  startFakeClerkBackendApi,
  testClerkKeys,
  testWebhookSecret,
} from '@usersync/testing';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from './app.ts';
import type { AppConfig } from './config.ts';
import { loggerOptions } from './logger.ts';

// Test set-up shared by this package's tests: the real app over a real database, with Clerk's servers
// stood in for locally (Backend API, session-token signing key, Svix signing secret).

export const WEB_ORIGIN = 'http://localhost:5173';

export interface ClerkStandIns {
  keys: { secretKey: string; publishableKey: string };
  signer: ClerkSessionSigner;
  webhookSecret: string;
  clerkApi: FakeClerkBackendApi;
  close(): Promise<void>;
}

export async function startClerkStandIns(): Promise<ClerkStandIns> {
  const keys = testClerkKeys();
  const clerkApi = await startFakeClerkBackendApi({ secretKey: keys.secretKey });
  return {
    keys,
    signer: createClerkSessionSigner(),
    webhookSecret: testWebhookSecret(),
    clerkApi,
    close: () => clerkApi.close(),
  };
}

export function testConfig(clerk: ClerkStandIns, overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    webhookSigningSecret: clerk.webhookSecret,
    clerk: {
      secretKey: clerk.keys.secretKey,
      publishableKey: clerk.keys.publishableKey,
      jwtKey: clerk.signer.publicKeyPem,
      apiUrl: clerk.clerkApi.url,
      maxTokenAgeSeconds: null,
    },
    webOrigins: [WEB_ORIGIN],
    sync: { deleteMode: 'soft', defaultRole: 'member' },
    webDistDir: null,
    rateLimitPerMinute: 10_000,
    trustProxy: false,
    clerkTimeoutMs: 5_000,
    ...overrides,
  };
}

export interface TestApp {
  app: FastifyInstance;
  /** Log lines written so far (JSON strings), when built with captureLogs. */
  logs: string[];
}

export async function buildTestApp(
  db: Db,
  clerk: ClerkStandIns,
  options: { config?: Partial<AppConfig>; captureLogs?: boolean } = {},
): Promise<TestApp> {
  const logs: string[] = [];
  const app = await buildApp({
    config: testConfig(clerk, options.config),
    db,
    logger: options.captureLogs
      ? loggerOptions({ level: 'trace', stream: { write: (line) => void logs.push(line) } })
      : false,
  });
  await app.ready();
  return { app, logs };
}

/** `Authorization` header with a fresh session token for this Clerk user, from the SPA's origin. */
export function bearer(
  clerk: ClerkStandIns,
  userId: string,
  claims: { azp?: string; expiresInSeconds?: number } = {},
) {
  return { authorization: `Bearer ${clerk.signer.sign({ userId, azp: WEB_ORIGIN, ...claims })}` };
}

/** POSTs a body to the webhook route exactly as Svix would: signed over these exact bytes. */
export function deliver(
  app: FastifyInstance,
  clerk: ClerkStandIns,
  body: string | object,
  options: { svixId?: string; timestamp?: Date; headers?: Record<string, string> } = {},
): Promise<LightMyRequestResponse> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const signed = signSvixDelivery(clerk.webhookSecret, raw, options);
  return app.inject({
    method: 'POST',
    url: '/api/webhooks/clerk',
    headers: { 'content-type': 'application/json', ...signed, ...options.headers },
    payload: raw,
  });
}

/** Every row of the tables a request could write, to compare before and after. */
export async function snapshotTables(db: Db) {
  const [users, settings, tombstones, events, invitations] = await Promise.all([
    db.selectFrom('users').selectAll().orderBy('clerk_id').execute(),
    db.selectFrom('user_settings').selectAll().orderBy('user_id').execute(),
    db.selectFrom('user_tombstones').selectAll().orderBy('clerk_id').execute(),
    db.selectFrom('webhook_events').selectAll().orderBy('svix_id').execute(),
    db.selectFrom('invitations').selectAll().orderBy('id').execute(),
  ]);
  return { users, settings, tombstones, events, invitations };
}
