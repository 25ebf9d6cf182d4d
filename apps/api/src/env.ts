import { createPublicKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ROLES, parseEmailList, parseRoleList } from '@usersync/core/admin';
import {
  type DatabaseConfig,
  databaseConfigFromEnv,
  resolveDataDir,
  resolveRepoPath,
} from '@usersync/core/db';
import { ensureDevWebhookSecret } from '@usersync/core/local-dev';
import { parseDuration } from '@usersync/core/reconcile-runs';
import dotenv from 'dotenv';
import { z } from 'zod';
import { type AppConfig, CLERK_API_URL_DEFAULT, frontendApiHostFromPublishableKey } from './config.ts';
import { parseReconcileSchedule } from './reconcile/reconcile-schedule.ts';

// The one place that reads process.env. Every variable is checked here, once, at start.

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

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** What each Clerk variable is for, in the words the warning block and the README use. */
export const CLERK_VARIABLES = {
  CLERK_SECRET_KEY: 'sk_test_... from Clerk dashboard → API keys (session tokens, Backend API reads)',
  CLERK_PUBLISHABLE_KEY: 'pk_test_... from Clerk dashboard → API keys (the web app reads this same variable)',
  CLERK_WEBHOOK_SIGNING_SECRET: 'whsec_... from Clerk dashboard → Webhooks → your endpoint → Signing Secret',
  CLERK_JWT_KEY:
    'PEM public key from Clerk dashboard → API keys → JWT public key (optional: no network call per token)',
} as const;

const DEV_WEB_ORIGINS = ['http://localhost:5173', 'http://127.0.0.1:5173'];

/** The repository root (holds pnpm-workspace.yaml), from this file in src/ or in the built dist/. */
export function findRepoRoot(from = dirname(fileURLToPath(import.meta.url))): string | null {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** Loads `.env` from the working directory, then the repository root; real environment variables win. */
export function loadDotenvFiles(): string[] {
  const root = findRepoRoot();
  const candidates = [resolve('.env'), ...(root ? [join(root, '.env')] : [])];
  const files = [...new Set(candidates)].filter((file) => existsSync(file));
  if (files.length > 0) dotenv.config({ path: files, quiet: true });
  return files;
}

const nonEmpty = z.string().trim().min(1);

const schemas = {
  PORT: z.coerce.number().int().min(0).max(65535),
  HOST: nonEmpty,
  DATABASE_URL: nonEmpty.refine((value) => /^postgres(ql)?:\/\/./.test(value) && canParseUrl(value), {
    message: 'must be a postgres:// or postgresql:// URL',
  }),
  DATA_DIR: nonEmpty,
  CLERK_WEBHOOK_SIGNING_SECRET: nonEmpty.regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, {
    message: 'must look like whsec_<base64> (Clerk dashboard → Webhooks → Signing Secret)',
  }),
  CLERK_SECRET_KEY: nonEmpty.regex(/^sk_(test|live)_\S+$/, {
    message: 'must start with sk_test_ or sk_live_',
  }),
  CLERK_PUBLISHABLE_KEY: nonEmpty.refine((value) => frontendApiHostFromPublishableKey(value) !== null, {
    message: 'must be pk_test_ or pk_live_ followed by base64 of the Frontend API host and "$"',
  }),
  // Dashboards and .env files often carry the PEM on one line with literal "\n".
  CLERK_JWT_KEY: nonEmpty
    .transform((value) => value.replace(/\\n/g, '\n'))
    .refine(isPublicKeyPem, { message: 'must be a PEM public key (-----BEGIN PUBLIC KEY-----...)' }),
  CLERK_MAX_TOKEN_AGE_SECONDS: z.coerce.number().int().min(1).max(86_400),
  CLERK_API_URL: nonEmpty.refine((value) => /^https?:\/\//.test(value) && canParseUrl(value), {
    message: 'must be an http(s) URL',
  }),
  WEB_ORIGIN: nonEmpty.transform((value, ctx) => {
    const origins = value
      .split(',')
      .map((entry) => entry.trim().replace(/\/+$/, ''))
      .filter(Boolean);
    for (const origin of origins) {
      if (!canParseUrl(origin) || new URL(origin).origin !== origin) {
        ctx.addIssue({
          code: 'custom',
          message: `"${origin}" is not an origin like https://app.example.com`,
        });
      }
    }
    return origins;
  }),
  USER_DELETE_MODE: z.enum(['soft', 'hard']),
  DELETE_MODE: z.enum(['soft', 'hard']),
  DEFAULT_ROLE: nonEmpty.max(64),
  ROLES: nonEmpty.transform((value, ctx) => {
    const parsed = parseRoleList(value);
    if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: parsed.problem });
    return 'roles' in parsed ? parsed.roles : [];
  }),
  ADMIN_EMAILS: nonEmpty.transform((value, ctx) => {
    const parsed = parseEmailList(value);
    if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: parsed.problem });
    return 'emails' in parsed ? parsed.emails : [];
  }),
  LOG_LEVEL: z.enum(LOG_LEVELS),
  WEB_DIST_DIR: nonEmpty,
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500),
  TRUST_PROXY: nonEmpty.transform((value): boolean | number | string => {
    if (value === 'true') return true;
    if (value === 'false') return false;
    return /^\d+$/.test(value) ? Number(value) : value;
  }),
  MIGRATE_ON_START: z.enum(['true', 'false']).transform((value) => value === 'true'),
  METRICS_TOKEN: nonEmpty.min(16, { message: 'must be at least 16 characters (e.g. openssl rand -hex 32)' }),
  METRICS_PUBLIC: z.enum(['true', 'false']).transform((value) => value === 'true'),
  RECONCILE_SCHEDULE: nonEmpty.transform((value, ctx) => {
    const parsed = parseReconcileSchedule(value);
    if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
    return typeof parsed === 'string' ? [] : parsed;
  }),
  RECONCILE_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000),
  RECONCILE_PAGE_SIZE: z.coerce.number().int().min(1).max(500),
  STALE_AFTER: nonEmpty.transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === null) ctx.addIssue({ code: 'custom', message: 'must be a duration like 30m, 6h or 1d' });
    return ms ?? 0;
  }),
} satisfies Record<string, z.ZodType>;

type Name = keyof typeof schemas;
type Value<N extends Name> = z.output<(typeof schemas)[N]>;

/**
 * Reads and checks every variable. Never throws: problems are listed so that production can refuse to
 * start with all of them at once, and development can start anyway (an invalid value counts as unset).
 */
export function readEnv(env: NodeJS.ProcessEnv = process.env): EnvResult {
  const mode: Mode =
    env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development';
  const production = mode === 'production';
  const problems: string[] = [];
  const notes: string[] = [];

  function read<N extends Name>(name: N, raw = env[name], label: string = name): Value<N> | undefined {
    if (raw === undefined || raw.trim() === '') return undefined;
    const parsed = schemas[name].safeParse(raw);
    if (parsed.success) return parsed.data as Value<N>;
    problems.push(`${label}: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
    return undefined;
  }

  // CLERK_WEBHOOK_SECRET is the name older Clerk guides use.
  const signingSecretName =
    env.CLERK_WEBHOOK_SIGNING_SECRET?.trim() || !env.CLERK_WEBHOOK_SECRET?.trim()
      ? 'CLERK_WEBHOOK_SIGNING_SECRET'
      : 'CLERK_WEBHOOK_SECRET';
  if (
    env.CLERK_WEBHOOK_SIGNING_SECRET?.trim() &&
    env.CLERK_WEBHOOK_SECRET?.trim() &&
    env.CLERK_WEBHOOK_SIGNING_SECRET.trim() !== env.CLERK_WEBHOOK_SECRET.trim()
  ) {
    problems.push(
      'CLERK_WEBHOOK_SECRET: differs from CLERK_WEBHOOK_SIGNING_SECRET; set only CLERK_WEBHOOK_SIGNING_SECRET',
    );
  }
  const webhookSigningSecret =
    read('CLERK_WEBHOOK_SIGNING_SECRET', env[signingSecretName], signingSecretName) ?? null;

  const clerk = {
    secretKey: read('CLERK_SECRET_KEY') ?? null,
    publishableKey: read('CLERK_PUBLISHABLE_KEY') ?? null,
    jwtKey: read('CLERK_JWT_KEY') ?? null,
    apiUrl: (read('CLERK_API_URL') ?? CLERK_API_URL_DEFAULT).replace(/\/+$/, ''),
    maxTokenAgeSeconds: read('CLERK_MAX_TOKEN_AGE_SECONDS') ?? null,
  };
  // DELETE_MODE is the general name (users and organizations alike); USER_DELETE_MODE the older one.
  const userDeleteMode = read('USER_DELETE_MODE');
  const deleteMode = read('DELETE_MODE');
  if (userDeleteMode && deleteMode && userDeleteMode !== deleteMode) {
    problems.push('DELETE_MODE: differs from USER_DELETE_MODE; set only one of them');
  }
  const webOrigins = read('WEB_ORIGIN');
  const databaseUrl = read('DATABASE_URL');
  const repoRoot = findRepoRoot();
  const webDistDir = read('WEB_DIST_DIR');
  const dataDir = resolveDataDir(read('DATA_DIR'));

  const missingClerk = (
    [
      ['CLERK_SECRET_KEY', clerk.secretKey],
      ['CLERK_PUBLISHABLE_KEY', clerk.publishableKey],
      ['CLERK_WEBHOOK_SIGNING_SECRET', webhookSigningSecret],
    ] as const
  )
    .filter(([name, value]) => value === null && !problems.some((p) => p.startsWith(name)))
    .map(([name]) => name);

  if (production) {
    for (const name of missingClerk)
      problems.push(`${name}: required in production (${CLERK_VARIABLES[name]})`);
    if (env.WEB_ORIGIN === undefined || env.WEB_ORIGIN.trim() === '') {
      problems.push(
        'WEB_ORIGIN: required in production (the public origin of the web app, e.g. https://app.example.com)',
      );
    }
    if (!databaseUrl && !problems.some((p) => p.startsWith('DATABASE_URL:'))) {
      notes.push(
        'DATABASE_URL is not set: using the embedded PGlite database, which one process at a time can open. Set DATABASE_URL for a shared PostgreSQL server.',
      );
    }
    if (!clerk.jwtKey && !problems.some((p) => p.startsWith('CLERK_JWT_KEY:'))) {
      notes.push(
        'CLERK_JWT_KEY is not set: session tokens are verified with keys fetched from Clerk (network).',
      );
    }
  }

  const metricsToken = read('METRICS_TOKEN') ?? null;
  const metricsPublic = read('METRICS_PUBLIC') ?? !production;
  if (production && !metricsToken && !metricsPublic && !problems.some((p) => p.startsWith('METRICS_'))) {
    notes.push(
      'METRICS_TOKEN is not set: GET /api/metrics answers 403. Set METRICS_TOKEN (Prometheus sends it as a Bearer token), or METRICS_PUBLIC=true when the network already keeps it private.',
    );
  }
  const reconcileSchedule = read('RECONCILE_SCHEDULE') ?? [];
  if (
    reconcileSchedule.length > 0 &&
    !clerk.secretKey &&
    !problems.some((p) => p.startsWith('CLERK_SECRET_KEY'))
  ) {
    problems.push(
      "RECONCILE_SCHEDULE: needs CLERK_SECRET_KEY (the scheduled reconcile reads Clerk's Backend API)",
    );
  }
  const defaultRole = read('DEFAULT_ROLE') ?? 'member';
  const roles = read('ROLES') ?? [...DEFAULT_ROLES];
  if (!roles.includes(defaultRole)) {
    problems.push(`DEFAULT_ROLE: "${defaultRole}" is not one of ROLES (${roles.join(', ')})`);
  }

  const trustProxy = read('TRUST_PROXY') ?? false;
  if (trustProxy === true) {
    notes.push(
      "TRUST_PROXY=true trusts the leftmost X-Forwarded-For address, which any client can set: per-IP rate limits can then be dodged. Set the number of proxy hops (e.g. TRUST_PROXY=1) or the proxies' addresses instead.",
    );
  }

  const config: ServerConfig = {
    mode,
    port: read('PORT') ?? 3000,
    host: read('HOST') ?? (production ? '0.0.0.0' : 'localhost'),
    database: withPoolSize(databaseConfigFromEnv(databaseUrl, dataDir), read('DATABASE_POOL_SIZE') ?? 20),
    logLevel: read('LOG_LEVEL') ?? 'info',
    migrateOnStart: read('MIGRATE_ON_START') ?? true,
    webhookSigningSecret,
    clerk,
    webOrigins: webOrigins ?? (production ? [] : DEV_WEB_ORIGINS),
    sync: { deleteMode: deleteMode ?? userDeleteMode ?? 'soft', defaultRole },
    access: { roles, adminEmails: read('ADMIN_EMAILS') ?? [] },
    // Production serves the built SPA by default; development leaves that to Vite unless asked.
    // A relative path is relative to the repository root, as DATA_DIR is, wherever the API runs from.
    webDistDir: webDistDir
      ? resolveRepoPath(webDistDir)
      : production
        ? join(repoRoot ?? process.cwd(), 'apps', 'web', 'dist')
        : null,
    rateLimitPerMinute: read('RATE_LIMIT_PER_MINUTE') ?? 120,
    trustProxy,
    clerkTimeoutMs: 10_000,
    metrics: { token: metricsToken, public: metricsPublic },
    reconcile: {
      schedule: reconcileSchedule,
      requestsPer10s: read('RECONCILE_RATE_LIMIT') ?? null,
      pageSize: read('RECONCILE_PAGE_SIZE') ?? 500,
    },
    staleAfterMs: read('STALE_AFTER') ?? 60 * 60_000,
  };
  return { config, problems, notes, missingClerk, dataDir };
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

function canParseUrl(value: string): boolean {
  return URL.canParse(value);
}

function isPublicKeyPem(value: string): boolean {
  if (!value.includes('-----BEGIN PUBLIC KEY-----')) return false;
  try {
    return createPublicKey(value).type === 'public';
  } catch {
    return false;
  }
}

function withPoolSize(database: DatabaseConfig, poolSize: number): DatabaseConfig {
  return database.kind === 'postgres' ? { ...database, poolSize } : database;
}
