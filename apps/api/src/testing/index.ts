import type { Db, PoolStats } from '@usersync/core/internal';
import type { ClerkStandIns } from '@usersync/testing/clerk';
import { signSvixDelivery } from '@usersync/testing/svix';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../app.ts';
import type { AppConfig } from '../config.ts';
import { loggerOptions } from '../logger.ts';

// `@usersync/api/testing`: the real app over a real database, wired to Clerk stand-ins
// (`@usersync/testing/clerk`). It lives here, not in @usersync/testing, because it builds this
// package's app and this package's tests use it (a kit importing the API would be a dependency cycle).

export const WEB_ORIGIN = 'http://localhost:5173';

/** The one AppConfig fixture: everything valid, Clerk pointed at the stand-ins. */
export function testAppConfig(clerk: ClerkStandIns, overrides: Partial<AppConfig> = {}): AppConfig {
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
    access: { roles: ['member', 'admin'], adminEmails: [] },
    webDistDir: null,
    rateLimitPerMinute: 10_000,
    trustProxy: false,
    clerkTimeoutMs: 5_000,
    metrics: { token: null, public: true },
    reconcile: { schedule: [], requestsPer10s: null, pageSize: 500 },
    staleAfterMs: 60 * 60_000,
    webhookPayloadRetentionDays: 30,
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
  options: { config?: Partial<AppConfig>; captureLogs?: boolean; poolStats?: () => PoolStats | null } = {},
): Promise<TestApp> {
  const logs: string[] = [];
  const app = await buildApp({
    config: testAppConfig(clerk, options.config),
    db,
    poolStats: options.poolStats,
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
