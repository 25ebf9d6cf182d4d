import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRepoRoot } from '@usersync/core/internal';
import { createClerkSessionSigner, testClerkKeys } from '@usersync/testing/clerk';
import { testWebhookSecret } from '@usersync/testing/svix';
import { describe, expect, it } from 'vitest';
import { applyDevWebhookSecret, describeMissingClerk, readEnv } from './env.ts';

const keys = testClerkKeys();
const signer = createClerkSessionSigner();
const complete = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://app:secret@db.internal:5432/usersync',
  CLERK_SECRET_KEY: keys.secretKey,
  CLERK_PUBLISHABLE_KEY: keys.publishableKey,
  CLERK_WEBHOOK_SIGNING_SECRET: testWebhookSecret(),
  CLERK_JWT_KEY: signer.publicKeyPem,
  WEB_ORIGIN: 'https://app.example.com',
  METRICS_TOKEN: 'a-metrics-token-of-some-length',
};

describe('readEnv', () => {
  it('reads a complete production configuration with its defaults', () => {
    const { config, problems, notes } = readEnv(complete);
    expect(problems).toEqual([]);
    expect(notes).toEqual([]);
    expect(config).toMatchObject({
      mode: 'production',
      port: 3000,
      host: '0.0.0.0',
      database: { kind: 'postgres', url: complete.DATABASE_URL },
      logLevel: 'info',
      migrateOnStart: true,
      webhookSigningSecret: complete.CLERK_WEBHOOK_SIGNING_SECRET,
      clerk: {
        secretKey: keys.secretKey,
        apiUrl: 'https://api.clerk.com',
        jwtKey: signer.publicKeyPem.trim(),
        maxTokenAgeSeconds: null,
      },
      webOrigins: ['https://app.example.com'],
      sync: { deleteMode: 'soft', defaultRole: 'member' },
      rateLimitPerMinute: 120,
      trustProxy: false,
      metrics: { token: complete.METRICS_TOKEN, public: false },
      reconcile: { schedule: [], requestsPer10s: null, pageSize: 500 },
      staleAfterMs: 60 * 60_000,
    });
    expect(config.webDistDir).toMatch(/apps\/web\/dist$/);
  });

  it('keeps /api/metrics closed in production without METRICS_TOKEN unless METRICS_PUBLIC=true, and says so', () => {
    const { METRICS_TOKEN: _, ...withoutToken } = complete;
    const closed = readEnv(withoutToken);
    expect(closed.problems).toEqual([]);
    expect(closed.config.metrics).toEqual({ token: null, public: false });
    expect(closed.notes.join('\n')).toMatch(/METRICS_TOKEN is not set: GET \/api\/metrics answers 403/);
    const open = readEnv({ ...withoutToken, METRICS_PUBLIC: 'true' });
    expect(open.config.metrics).toEqual({ token: null, public: true });
    expect(open.notes).toEqual([]);
    expect(readEnv({ ...complete, METRICS_TOKEN: 'short' }).problems).toEqual([
      expect.stringMatching(/^METRICS_TOKEN: must be at least 16 characters/),
    ]);
    // Development serves metrics without a token.
    expect(readEnv({ DATA_DIR: '/tmp/usersync-env-test' }).config.metrics).toEqual({
      token: null,
      public: true,
    });
  });

  it('parses RECONCILE_SCHEDULE, STALE_AFTER and the reconcile limits, naming what is wrong', () => {
    const { config, problems } = readEnv({
      ...complete,
      RECONCILE_SCHEDULE: 'incremental=15m, full=24h',
      RECONCILE_RATE_LIMIT: '40',
      RECONCILE_PAGE_SIZE: '100',
      STALE_AFTER: '6h',
    });
    expect(problems).toEqual([]);
    expect(config.reconcile).toEqual({
      schedule: [
        { kind: 'incremental', everyMs: 15 * 60_000 },
        { kind: 'full', everyMs: 24 * 3_600_000 },
      ],
      requestsPer10s: 40,
      pageSize: 100,
    });
    expect(config.staleAfterMs).toBe(6 * 3_600_000);
    expect(readEnv({ ...complete, RECONCILE_SCHEDULE: 'off' }).config.reconcile.schedule).toEqual([]);
    const bad = readEnv({
      ...complete,
      RECONCILE_SCHEDULE: 'incremental=15 minutes',
      RECONCILE_PAGE_SIZE: '501',
      STALE_AFTER: 'soon',
    });
    expect(bad.problems.map((p) => p.split(':')[0])).toEqual([
      'RECONCILE_SCHEDULE',
      'RECONCILE_PAGE_SIZE',
      'STALE_AFTER',
    ]);
    expect(readEnv({ ...complete, RECONCILE_SCHEDULE: 'full=1h,full=2h' }).problems).toEqual([
      'RECONCILE_SCHEDULE: full is given twice',
    ]);
    expect(
      readEnv({ DATA_DIR: '/tmp/usersync-env-test', RECONCILE_SCHEDULE: 'full=24h' }).problems,
    ).toContainEqual(expect.stringMatching(/^RECONCILE_SCHEDULE: needs CLERK_SECRET_KEY/));
  });

  it('lists every missing production value at once', () => {
    const { problems } = readEnv({ NODE_ENV: 'production' });
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'CLERK_SECRET_KEY',
      'CLERK_PUBLISHABLE_KEY',
      'CLERK_WEBHOOK_SIGNING_SECRET',
      'WEB_ORIGIN',
    ]);
  });

  it('lists every invalid value, with what is expected', () => {
    const { problems } = readEnv({
      ...complete,
      PORT: 'eighty',
      DATABASE_URL: 'mysql://db/usersync',
      CLERK_SECRET_KEY: 'pk_test_oops',
      CLERK_PUBLISHABLE_KEY: 'pk_test_bm90LWEtaG9zdA==',
      CLERK_WEBHOOK_SIGNING_SECRET: 'secret',
      CLERK_JWT_KEY: 'not a key',
      CLERK_API_URL: 'api.clerk.com',
      WEB_ORIGIN: 'https://app.example.com/path,localhost',
      USER_DELETE_MODE: 'purge',
      DEFAULT_ROLE: 'r'.repeat(65),
      LOG_LEVEL: 'verbose',
      RATE_LIMIT_PER_MINUTE: '0',
      MIGRATE_ON_START: 'yes',
    });
    expect(problems.map((p) => p.split(':')[0])).toEqual(
      expect.arrayContaining([
        'PORT',
        'DATABASE_URL',
        'CLERK_SECRET_KEY',
        'CLERK_PUBLISHABLE_KEY',
        'CLERK_WEBHOOK_SIGNING_SECRET',
        'CLERK_JWT_KEY',
        'CLERK_API_URL',
        'WEB_ORIGIN',
        'USER_DELETE_MODE',
        'DEFAULT_ROLE',
        'LOG_LEVEL',
        'RATE_LIMIT_PER_MINUTE',
        'MIGRATE_ON_START',
      ]),
    );
    expect(problems.find((p) => p.startsWith('WEB_ORIGIN'))).toMatch(/https:\/\/app\.example\.com\/path/);
    expect(problems.find((p) => p.startsWith('CLERK_SECRET_KEY'))).toMatch(/sk_test_/);
  });

  it('accepts CLERK_WEBHOOK_SECRET, the name older guides use, and rejects two different secrets', () => {
    const { CLERK_WEBHOOK_SIGNING_SECRET: secret, ...rest } = complete;
    const legacy = readEnv({ ...rest, CLERK_WEBHOOK_SECRET: secret });
    expect(legacy.problems).toEqual([]);
    expect(legacy.config.webhookSigningSecret).toBe(secret);
    const both = readEnv({ ...complete, CLERK_WEBHOOK_SECRET: testWebhookSecret() });
    expect(both.problems.join()).toMatch(/CLERK_WEBHOOK_SECRET: differs/);
  });

  it('takes a PEM written on one line with \\n escapes, as dashboards and .env files carry it', () => {
    const oneLine = signer.publicKeyPem.trim().replace(/\n/g, '\\n');
    const { config, problems } = readEnv({ ...complete, CLERK_JWT_KEY: oneLine });
    expect(problems).toEqual([]);
    expect(config.clerk.jwtKey?.trim()).toBe(signer.publicKeyPem.trim());
  });

  it('notes the embedded database and network key fetching in production, without failing', () => {
    const { DATABASE_URL: _, CLERK_JWT_KEY: __, ...rest } = complete;
    const { problems, notes, config } = readEnv(rest);
    expect(problems).toEqual([]);
    expect(config.database.kind).toBe('pglite');
    expect(notes.join('\n')).toMatch(/DATABASE_URL is not set[\s\S]*CLERK_JWT_KEY is not set/);
  });

  it('starts in development with nothing set, naming what Clerk needs', () => {
    const { config, problems, missingClerk } = readEnv({ DATA_DIR: '/tmp/usersync-env-test' });
    expect(problems).toEqual([]);
    expect(config).toMatchObject({
      mode: 'development',
      host: 'localhost',
      database: { kind: 'pglite', dataDir: '/tmp/usersync-env-test' },
      webhookSigningSecret: null,
      clerk: { secretKey: null, publishableKey: null, jwtKey: null },
      webOrigins: ['http://localhost:5173', 'http://127.0.0.1:5173'],
      webDistDir: null,
    });
    expect(missingClerk).toEqual([
      'CLERK_SECRET_KEY',
      'CLERK_PUBLISHABLE_KEY',
      'CLERK_WEBHOOK_SIGNING_SECRET',
    ]);
    const block = describeMissingClerk(missingClerk, []);
    for (const name of missingClerk) expect(block).toContain(name);
    expect(block).toMatch(/503/);
  });

  it('treats an invalid value as unset in development, and says so', () => {
    const { config, problems } = readEnv({ PORT: '99999', USER_DELETE_MODE: 'purge' });
    expect(config.port).toBe(3000);
    expect(config.sync.deleteMode).toBe('soft');
    expect(problems).toHaveLength(2);
  });

  it('reads ROLES and ADMIN_EMAILS; ROLES must include admin and DEFAULT_ROLE', () => {
    const defaults = readEnv({ ...complete });
    expect(defaults.config.access).toEqual({ roles: ['member', 'admin'], adminEmails: [] });
    const set = readEnv({
      ...complete,
      ROLES: 'member, editor,admin',
      ADMIN_EMAILS: 'Ada@Example.com, bob@example.com',
    });
    expect(set.problems).toEqual([]);
    expect(set.config.access).toEqual({
      roles: ['member', 'editor', 'admin'],
      adminEmails: ['ada@example.com', 'bob@example.com'],
    });
    const bad = readEnv({
      ...complete,
      ROLES: 'member,editor',
      ADMIN_EMAILS: 'not-an-email',
      DEFAULT_ROLE: 'viewer',
    });
    expect(bad.problems).toEqual(
      expect.arrayContaining([
        'ROLES: must include admin',
        'ADMIN_EMAILS: "not-an-email" is not an email address',
        'DEFAULT_ROLE: "viewer" is not one of ROLES (member, admin)',
      ]),
    );
  });

  it('reads DELETE_MODE, the general name, and USER_DELETE_MODE, the older one; two different values are a problem', () => {
    expect(readEnv({ DELETE_MODE: 'hard' }).config.sync.deleteMode).toBe('hard');
    expect(readEnv({ USER_DELETE_MODE: 'hard' }).config.sync.deleteMode).toBe('hard');
    expect(readEnv({ USER_DELETE_MODE: 'hard', DELETE_MODE: 'hard' }).problems).toEqual([]);
    const { problems } = readEnv({ USER_DELETE_MODE: 'soft', DELETE_MODE: 'hard' });
    expect(problems).toEqual([expect.stringMatching(/^DELETE_MODE: differs from USER_DELETE_MODE/)]);
  });

  it('resolves a relative WEB_DIST_DIR against the repository root, as DATA_DIR, wherever the API runs', () => {
    const root = findRepoRoot()!;
    expect(process.cwd()).not.toBe(root); // vitest runs in apps/api, as `npm run dev` runs the API
    const { config } = readEnv({
      NODE_ENV: 'development',
      WEB_DIST_DIR: 'apps/web/dist',
      DATA_DIR: '.data/x',
    });
    expect(config.webDistDir).toBe(join(root, 'apps/web/dist'));
    expect(config.database).toEqual({ kind: 'pglite', dataDir: join(root, '.data/x') });
  });

  it('makes a local webhook secret in development only, kept beside the embedded database', () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'usersync-env-'));
    try {
      const env = { DATA_DIR: join(stateDir, 'pglite') };
      for (const mode of ['production', 'test']) {
        const result = readEnv({ ...env, NODE_ENV: mode });
        expect(applyDevWebhookSecret(result), mode).toBeNull();
        expect(result.config.webhookSigningSecret).toBeNull();
      }
      expect(existsSync(join(stateDir, 'dev-webhook-secret'))).toBe(false);
      // A configured secret always wins.
      const configured = readEnv({
        ...env,
        NODE_ENV: 'development',
        CLERK_WEBHOOK_SIGNING_SECRET: complete.CLERK_WEBHOOK_SIGNING_SECRET,
      });
      expect(applyDevWebhookSecret(configured)).toBeNull();

      const first = readEnv({ ...env, NODE_ENV: 'development' });
      expect(applyDevWebhookSecret(first)).toContain('(created now)');
      expect(first.missingClerk).not.toContain('CLERK_WEBHOOK_SIGNING_SECRET');
      const again = readEnv({ ...env, NODE_ENV: 'development' });
      expect(applyDevWebhookSecret(again)).not.toContain('(created now)');
      expect(again.config.webhookSigningSecret).toBe(first.config.webhookSigningSecret);
      expect(readFileSync(join(stateDir, 'dev-webhook-secret'), 'utf8').trim()).toBe(
        first.config.webhookSigningSecret,
      );
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('parses TRUST_PROXY as a boolean, a hop count or an address list', () => {
    expect(readEnv({ TRUST_PROXY: 'true' }).config.trustProxy).toBe(true);
    expect(readEnv({ TRUST_PROXY: '2' }).config.trustProxy).toBe(2);
    expect(readEnv({ TRUST_PROXY: '10.0.0.0/8' }).config.trustProxy).toBe('10.0.0.0/8');
  });

  it('warns that TRUST_PROXY=true lets clients choose their IP, and is quiet for a hop count', () => {
    expect(readEnv({ TRUST_PROXY: 'true' }).notes.join('\n')).toMatch(
      /leftmost X-Forwarded-For.*TRUST_PROXY=1/,
    );
    expect(readEnv({ TRUST_PROXY: '1' }).notes.join('\n')).not.toContain('TRUST_PROXY');
  });

  it('reads CLERK_MAX_TOKEN_AGE_SECONDS as whole seconds, 1 to 86400', () => {
    expect(readEnv({ CLERK_MAX_TOKEN_AGE_SECONDS: '300' }).config.clerk.maxTokenAgeSeconds).toBe(300);
    expect(readEnv({}).config.clerk.maxTokenAgeSeconds).toBeNull();
    for (const bad of ['0', '-5', '1.5', 'ten', '100000']) {
      expect(readEnv({ CLERK_MAX_TOKEN_AGE_SECONDS: bad }).problems, bad).toEqual([
        expect.stringMatching(/^CLERK_MAX_TOKEN_AGE_SECONDS: /),
      ]);
    }
  });
});
