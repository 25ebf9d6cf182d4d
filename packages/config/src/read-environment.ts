import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import dotenv from 'dotenv';
import { CLERK_API_URL_DEFAULT, type ClerkConfig } from './clerk.ts';
import { type DatabaseConfig, databaseConfigFromEnv, resolveDataDir } from './database.ts';
import { ENV_VARIABLES, type EnvName, type EnvValue } from './env-variables.ts';
import { findRepoRoot } from './repo-root.ts';
import { DEFAULT_ROLES } from './roles.ts';
import { DEFAULT_SYNC_OPTIONS, type SyncOptions } from './sync-options.ts';

/** The API listens here, and `usersync webhook send` posts here, unless PORT says otherwise. */
export const DEFAULT_PORT = 3000;

/** Reads variables by their rule, collecting every problem rather than stopping at the first. */
export interface EnvironmentReader {
  env: NodeJS.ProcessEnv;
  /** `NAME: what is wrong`, one per invalid variable, in reading order. */
  problems: string[];
  /** The parsed value, or undefined when unset, blank or invalid (then a problem is listed). */
  read<N extends EnvName>(name: N, raw?: string, label?: string): EnvValue<N> | undefined;
  /** True when a problem about `name` is listed already. */
  hasProblem(name: EnvName): boolean;
}

export function environmentReader(env: NodeJS.ProcessEnv): EnvironmentReader {
  const problems: string[] = [];
  return {
    env,
    problems,
    read(name, raw = env[name], label = name) {
      if (raw === undefined || raw.trim() === '') return undefined;
      const parsed = ENV_VARIABLES[name].safeParse(raw);
      if (parsed.success) return parsed.data as EnvValue<typeof name>;
      problems.push(`${label}: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
      return undefined;
    },
    hasProblem: (name) => problems.some((p) => p.startsWith(`${name}:`)),
  };
}

/** What the API and the CLI both read, by the same rules and with the same defaults. */
export interface SharedConfig {
  /** DATABASE_URL: that PostgreSQL (pool DATABASE_POOL_SIZE); unset: the embedded PGlite at DATA_DIR. */
  database: DatabaseConfig;
  /** The embedded database's folder (DATA_DIR resolved), also when DATABASE_URL is used. */
  dataDir: string;
  clerk: ClerkConfig;
  /** CLERK_WEBHOOK_SIGNING_SECRET, or its older name CLERK_WEBHOOK_SECRET; null when neither is set. */
  webhookSigningSecret: string | null;
  sync: Required<SyncOptions>;
  /** ROLES: the roles an admin can give; always includes admin. */
  roles: string[];
  port: number;
  /** WEBHOOK_PAYLOAD_RETENTION_DAYS: settled deliveries older than this lose their payload's personal data. */
  webhookPayloadRetentionDays: number;
  /** RECONCILE_LEASE_SECONDS in ms: how long a crashed reconcile run can keep the next one waiting. */
  reconcileLeaseMs: number;
}

/** Svix retries for about 28 hours; a month leaves room to look into a delivery before it is redacted. */
export const DEFAULT_WEBHOOK_PAYLOAD_RETENTION_DAYS = 30;

export function readSharedConfig(r: EnvironmentReader, options: { defaultPoolSize: number }): SharedConfig {
  const databaseUrl = r.read('DATABASE_URL');
  const dataDir = resolveDataDir(r.read('DATA_DIR'));
  const database = databaseConfigFromEnv(databaseUrl, dataDir);
  const poolSize = r.read('DATABASE_POOL_SIZE') ?? options.defaultPoolSize;
  const poolMode = r.read('DATABASE_POOL_MODE') ?? 'session';
  return {
    database: database.kind === 'postgres' ? { ...database, poolSize, poolMode } : database,
    dataDir,
    clerk: {
      secretKey: r.read('CLERK_SECRET_KEY') ?? null,
      publishableKey: r.read('CLERK_PUBLISHABLE_KEY') ?? null,
      jwtKey: r.read('CLERK_JWT_KEY') ?? null,
      apiUrl: (r.read('CLERK_API_URL') ?? CLERK_API_URL_DEFAULT).replace(/\/+$/, ''),
      maxTokenAgeSeconds: r.read('CLERK_MAX_TOKEN_AGE_SECONDS') ?? null,
    },
    webhookSigningSecret: readWebhookSigningSecret(r),
    sync: {
      deleteMode: readDeleteMode(r) ?? DEFAULT_SYNC_OPTIONS.deleteMode,
      defaultRole: r.read('DEFAULT_ROLE') ?? DEFAULT_SYNC_OPTIONS.defaultRole,
    },
    roles: r.read('ROLES') ?? [...DEFAULT_ROLES],
    port: r.read('PORT') ?? DEFAULT_PORT,
    webhookPayloadRetentionDays:
      r.read('WEBHOOK_PAYLOAD_RETENTION_DAYS') ?? DEFAULT_WEBHOOK_PAYLOAD_RETENTION_DAYS,
    reconcileLeaseMs: (r.read('RECONCILE_LEASE_SECONDS') ?? 60) * 1000,
  };
}

// DELETE_MODE is the general name (users and organizations alike); USER_DELETE_MODE the older one.
function readDeleteMode(r: EnvironmentReader) {
  const userDeleteMode = r.read('USER_DELETE_MODE');
  const deleteMode = r.read('DELETE_MODE');
  if (userDeleteMode && deleteMode && userDeleteMode !== deleteMode) {
    r.problems.push('DELETE_MODE: differs from USER_DELETE_MODE; set only one of them');
  }
  return deleteMode ?? userDeleteMode;
}

// CLERK_WEBHOOK_SECRET is the name older Clerk guides use: accepted alone, refused when it disagrees.
function readWebhookSigningSecret(r: EnvironmentReader): string | null {
  const current = r.env.CLERK_WEBHOOK_SIGNING_SECRET?.trim();
  const older = r.env.CLERK_WEBHOOK_SECRET?.trim();
  if (current && older && current !== older) {
    r.problems.push(
      'CLERK_WEBHOOK_SECRET: differs from CLERK_WEBHOOK_SIGNING_SECRET; set only CLERK_WEBHOOK_SIGNING_SECRET',
    );
  }
  const name = current || !older ? 'CLERK_WEBHOOK_SIGNING_SECRET' : 'CLERK_WEBHOOK_SECRET';
  return r.read('CLERK_WEBHOOK_SIGNING_SECRET', r.env[name], name) ?? null;
}

/**
 * Loads `.env` from the working directory, then from the repository root (found from `from`);
 * variables already set win. Returns the files read.
 */
export function loadDotenvFiles(options: { from?: string; env?: NodeJS.ProcessEnv } = {}): string[] {
  const root = findRepoRoot(options.from);
  const candidates = [resolve('.env'), ...(root ? [join(root, '.env')] : [])];
  const files = [...new Set(candidates)].filter((file) => existsSync(file));
  if (files.length > 0) {
    dotenv.config({
      path: files,
      quiet: true,
      processEnv: (options.env ?? process.env) as Record<string, string>,
    });
  }
  return files;
}
