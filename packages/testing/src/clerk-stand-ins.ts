import { sampleClerkUser } from '@usersync/core/internal';
import { type ClerkSessionSigner, createClerkSessionSigner, testClerkKeys } from './clerk-session-tokens.ts';
import { type FakeClerkBackendApi, startFakeClerkBackendApi } from './fake-clerk-backend-api.ts';
import { testWebhookSecret } from './svix-signing.ts';

/** Everything of Clerk's that a test stands in for: keys, the session-token signer, Svix secret, Backend API. */
export interface ClerkStandIns {
  keys: { secretKey: string; publishableKey: string };
  signer: ClerkSessionSigner;
  webhookSecret: string;
  clerkApi: FakeClerkBackendApi;
  close(): Promise<void>;
}

export async function startClerkStandIns(options: { latencyMs?: number } = {}): Promise<ClerkStandIns> {
  const keys = testClerkKeys();
  const clerkApi = await startFakeClerkBackendApi({ secretKey: keys.secretKey, ...options });
  return {
    keys,
    signer: createClerkSessionSigner(),
    webhookSecret: testWebhookSecret(),
    clerkApi,
    close: () => clerkApi.close(),
  };
}

/**
 * Fills the Backend API stand-in with `count` Clerk-shaped users, oldest first, with distinct
 * creation and update times (what `+created_at` paging and the ordering guard look at).
 */
export function addClerkUsers(
  api: FakeClerkBackendApi,
  count: number,
  options: { prefix?: string; start?: number } = {},
): Array<Record<string, unknown>> {
  const prefix = options.prefix ?? 'user_bulk';
  const start = options.start ?? 1_700_000_000_000;
  const users: Array<Record<string, unknown>> = [];
  for (let i = 0; i < count; i++) {
    const at = start + i * 1000;
    const user = sampleClerkUser({
      id: `${prefix}${String(i).padStart(6, '0')}`,
      firstName: `First${i}`,
      lastName: `Last${i}`,
      createdAt: at,
      updatedAt: at + 500,
      lastSignInAt: i % 3 === 0 ? null : at + 700,
    });
    api.users.set(user.id as string, user);
    users.push(user);
  }
  return users;
}

/**
 * The environment of an API process wired to these stand-ins, as production reads it (the process
 * launcher adds HOST/PORT/NODE_ENV).
 */
export function apiProcessEnv(
  clerk: ClerkStandIns,
  env: Record<string, string> = {},
): Record<string, string> {
  return {
    CLERK_SECRET_KEY: clerk.keys.secretKey,
    CLERK_PUBLISHABLE_KEY: clerk.keys.publishableKey,
    CLERK_JWT_KEY: clerk.signer.publicKeyPem,
    CLERK_API_URL: clerk.clerkApi.url,
    CLERK_WEBHOOK_SIGNING_SECRET: clerk.webhookSecret,
    ...env,
  };
}
