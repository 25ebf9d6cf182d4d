import { join } from 'node:path';
import {
  CLERK_VARIABLES,
  type EnvironmentReader,
  environmentReader,
  LOG_LEVELS,
  type LogLevel,
  loadDotenvFiles as loadDotenvFilesFrom,
  readSharedConfig,
} from '@usersync/config';
import {
  type DatabaseConfig,
  ensureDevWebhookSecret,
  findRepoRoot,
  resolveRepoPath,
} from '@usersync/core/internal';
import type { AppConfig } from './config.ts';
import { parseReconcileSchedule } from './reconcile/reconcile-schedule.ts';

// The one place in the API that reads process.env: the shared rules (@usersync/config) plus what only
// the server reads. Every variable is checked here, once, at start.

export { LOG_LEVELS, type LogLevel };

export type Mode = 'production' | 'development' | 'test';

export interface ServerConfig extends AppConfig {
  mode: Mode;
  port: number;
  host: string;
  database: DatabaseConfig;
  logLevel: LogLevel;
  /** Apply pending migrations before listening (else refuse to start while any are pending). */
  migrateOnStart: boolean;
}

export interface EnvResult {
  config: ServerConfig;
  /** Missing or invalid values. In production any problem stops the process. */
  problems: string[];
  /** Worth knowing, never fatal (e.g. the embedded database in production). */
  notes: string[];
  /** Clerk variables not set: what the development warning block asks for. */
  missingClerk: string[];
  /** The embedded database's folder (DATA_DIR resolved), also when DATABASE_URL is used. */
  dataDir: string;
}

const DEV_WEB_ORIGINS = ['http://localhost:5173', 'http://127.0.0.1:5173'];
const DEFAULT_POOL_SIZE = 20;

/** Loads `.env` from the working directory, then the repository root; real environment variables win. */
export function loadDotenvFiles(): string[] {
  return loadDotenvFilesFrom({ from: import.meta.dirname });
}

/**
 * Reads and checks every variable. Never throws: problems are listed so that production can refuse to
 * start with all of them at once, and development can start anyway (an invalid value counts as unset).
 */
export function readEnv(env: NodeJS.ProcessEnv = process.env): EnvResult {
  const mode: Mode =
    env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development';
  const production = mode === 'production';
  const r: EnvironmentReader = environmentReader(env);
  const notes: string[] = [];
  const shared = readSharedConfig(r, { defaultPoolSize: DEFAULT_POOL_SIZE });
  const { clerk, webhookSigningSecret } = shared;
  const webOrigins = r.read('WEB_ORIGIN');
  const webDistDir = r.read('WEB_DIST_DIR');

  const missingClerk = (
    [
      ['CLERK_SECRET_KEY', clerk.secretKey],
      ['CLERK_PUBLISHABLE_KEY', clerk.publishableKey],
      ['CLERK_WEBHOOK_SIGNING_SECRET', webhookSigningSecret],
    ] as const
  )
    .filter(([name, value]) => value === null && !r.hasProblem(name))
    .map(([name]) => name);

  if (production) {
    for (const name of missingClerk)
      r.problems.push(`${name}: required in production (${CLERK_VARIABLES[name]})`);
    if (env.WEB_ORIGIN === undefined || env.WEB_ORIGIN.trim() === '') {
      r.problems.push(
        'WEB_ORIGIN: required in production (the public origin of the web app, e.g. https://app.example.com)',
      );
    }
    if (shared.database.kind === 'pglite' && !r.hasProblem('DATABASE_URL')) {
      notes.push(
        'DATABASE_URL is not set: using the embedded PGlite database, which one process at a time can open. Set DATABASE_URL for a shared PostgreSQL server.',
      );
    }
    if (!clerk.jwtKey && !r.hasProblem('CLERK_JWT_KEY')) {
      notes.push(
        'CLERK_JWT_KEY is not set: session tokens are verified with keys fetched from Clerk (network).',
      );
    }
  }

  const metricsToken = r.read('METRICS_TOKEN') ?? null;
  const metricsPublic = r.read('METRICS_PUBLIC') ?? !production;
  if (production && !metricsToken && !metricsPublic && !r.problems.some((p) => p.startsWith('METRICS_'))) {
    notes.push(
      'METRICS_TOKEN is not set: GET /api/metrics answers 403. Set METRICS_TOKEN (Prometheus sends it as a Bearer token), or METRICS_PUBLIC=true when the network already keeps it private.',
    );
  }
  const scheduleText = r.read('RECONCILE_SCHEDULE');
  const parsedSchedule = scheduleText === undefined ? [] : parseReconcileSchedule(scheduleText);
  if (typeof parsedSchedule === 'string') r.problems.push(`RECONCILE_SCHEDULE: ${parsedSchedule}`);
  const reconcileSchedule = typeof parsedSchedule === 'string' ? [] : parsedSchedule;
  if (reconcileSchedule.length > 0 && !clerk.secretKey && !r.hasProblem('CLERK_SECRET_KEY')) {
    r.problems.push(
      "RECONCILE_SCHEDULE: needs CLERK_SECRET_KEY (the scheduled reconcile reads Clerk's Backend API)",
    );
  }
  if (!shared.roles.includes(shared.sync.defaultRole)) {
    r.problems.push(
      `DEFAULT_ROLE: "${shared.sync.defaultRole}" is not one of ROLES (${shared.roles.join(', ')})`,
    );
  }

  const trustProxy = r.read('TRUST_PROXY') ?? false;
  if (trustProxy === true) {
    notes.push(
      "TRUST_PROXY=true trusts the leftmost X-Forwarded-For address, which any client can set: per-IP rate limits can then be dodged. Set the number of proxy hops (e.g. TRUST_PROXY=1) or the proxies' addresses instead.",
    );
  }

  const config: ServerConfig = {
    mode,
    port: shared.port,
    host: r.read('HOST') ?? (production ? '0.0.0.0' : 'localhost'),
    database: shared.database,
    logLevel: r.read('LOG_LEVEL') ?? 'info',
    migrateOnStart: r.read('MIGRATE_ON_START') ?? true,
    webhookSigningSecret,
    clerk,
    webOrigins: webOrigins ?? (production ? [] : DEV_WEB_ORIGINS),
    sync: shared.sync,
    access: { roles: shared.roles, adminEmails: r.read('ADMIN_EMAILS') ?? [] },
    // Production serves the built SPA by default; development leaves that to Vite unless asked.
    // A relative path is relative to the repository root, as DATA_DIR is, wherever the API runs from.
    webDistDir: webDistDir
      ? resolveRepoPath(webDistDir)
      : production
        ? join(findRepoRoot(import.meta.dirname) ?? process.cwd(), 'apps', 'web', 'dist')
        : null,
    rateLimitPerMinute: r.read('RATE_LIMIT_PER_MINUTE') ?? 120,
    trustProxy,
    clerkTimeoutMs: 10_000,
    metrics: { token: metricsToken, public: metricsPublic },
    reconcile: {
      schedule: reconcileSchedule,
      requestsPer10s: r.read('RECONCILE_RATE_LIMIT') ?? null,
      pageSize: r.read('RECONCILE_PAGE_SIZE') ?? 500,
    },
    reconcileLeaseMs: shared.reconcileLeaseMs,
    staleAfterMs: r.read('STALE_AFTER') ?? 60 * 60_000,
    webhookPayloadRetentionDays: shared.webhookPayloadRetentionDays,
  };
  return { config, problems: r.problems, notes, missingClerk, dataDir: shared.dataDir };
}

/**
 * Development only: without CLERK_WEBHOOK_SIGNING_SECRET the webhook route uses a local secret kept
 * beside the embedded database (made once), which `usersync webhook send` reads too. Returns the line
 * to log, or null when nothing was done. Production and tests never get here with a made-up secret.
 */
export function applyDevWebhookSecret(result: EnvResult): string | null {
  const { config } = result;
  if (config.mode !== 'development' || config.webhookSigningSecret !== null) return null;
  if (result.problems.some((p) => p.startsWith('CLERK_WEBHOOK_'))) return null;
  const { secret, path, created } = ensureDevWebhookSecret(result.dataDir);
  config.webhookSigningSecret = secret;
  result.missingClerk = result.missingClerk.filter((name) => name !== 'CLERK_WEBHOOK_SIGNING_SECRET');
  return (
    `webhooks: using the local development signing secret in ${path}${created ? ' (created now)' : ''}; ` +
    "`npm run usersync -- webhook send user.created` signs with it. Set CLERK_WEBHOOK_SIGNING_SECRET to receive Clerk's own deliveries."
  );
}

/** The development warning block: what is missing, where to get it, what works meanwhile. */
export function describeMissingClerk(missing: string[], problems: string[]): string {
  const lines = [
    'usersync API is running without a complete Clerk configuration.',
    ...(missing.length > 0
      ? [
          'Set these in .env at the repository root (see .env.example), then restart:',
          ...missing.map(
            (name) => `  ${name.padEnd(30)} ${CLERK_VARIABLES[name as keyof typeof CLERK_VARIABLES]}`,
          ),
        ]
      : []),
    ...(problems.length > 0 ? ['Ignored invalid values:', ...problems.map((p) => `  ${p}`)] : []),
    'Until then the routes that need a missing value answer 503 naming it; /api/health works.',
  ];
  return lines.join('\n');
}
