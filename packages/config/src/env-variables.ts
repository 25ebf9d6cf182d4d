import { createPublicKey } from 'node:crypto';
import { z } from 'zod';
import { frontendApiHostFromPublishableKey } from './clerk.ts';
import { parseDuration } from './duration.ts';
import { parseEmailList, parseRoleList } from './roles.ts';
import { USER_DELETE_MODES } from './sync-options.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const nonEmpty = z.string().trim().min(1);

/**
 * Every environment variable usersync reads, with its rule: the API and the CLI read the same names by
 * these rules (`readSharedConfig` + each app's env.ts).
 */
export const ENV_VARIABLES = {
  PORT: z.coerce.number().int().min(0).max(65535),
  HOST: nonEmpty,
  DATABASE_URL: nonEmpty.refine((value) => /^postgres(ql)?:\/\/./.test(value) && URL.canParse(value), {
    message: 'must be a postgres:// or postgresql:// URL',
  }),
  DATA_DIR: nonEmpty,
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500),
  /** `transaction` behind a transaction pooler (PgBouncer transaction mode, Supabase 6543, Neon `-pooler`). */
  DATABASE_POOL_MODE: z.enum(['session', 'transaction'], {
    message:
      'must be session or transaction (transaction: PgBouncer in transaction mode, Supabase port 6543, Neon -pooler)',
  }),
  /** How long a reconcile run's lease lasts unrenewed: what a crashed run can block the next one for. */
  RECONCILE_LEASE_SECONDS: z.coerce.number().int().min(2).max(3_600),
  CLERK_WEBHOOK_SIGNING_SECRET: nonEmpty.regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, {
    message: 'must look like whsec_<base64> (Clerk dashboard → Webhooks → Signing Secret)',
  }),
  /** The name older Clerk guides use for CLERK_WEBHOOK_SIGNING_SECRET; same rule. */
  CLERK_WEBHOOK_SECRET: nonEmpty,
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
  CLERK_API_URL: nonEmpty.refine((value) => /^https?:\/\//.test(value) && URL.canParse(value), {
    message: 'must be an http(s) URL',
  }),
  WEB_ORIGIN: nonEmpty.transform((value, ctx) => {
    const origins = value
      .split(',')
      .map((entry) => entry.trim().replace(/\/+$/, ''))
      .filter(Boolean);
    for (const origin of origins) {
      if (!URL.canParse(origin) || new URL(origin).origin !== origin) {
        ctx.addIssue({
          code: 'custom',
          message: `"${origin}" is not an origin like https://app.example.com`,
        });
      }
    }
    return origins;
  }),
  /** The older name of DELETE_MODE (users only); same rule. */
  USER_DELETE_MODE: z.enum(USER_DELETE_MODES),
  /**
   * Soft or hard deletes, for users and organizations alike; anonymize keeps a user's row with every
   * personal field cleared (organizations: as soft). docs/privacy.md.
   */
  DELETE_MODE: z.enum(USER_DELETE_MODES),
  /** Days a settled delivery keeps its payload before the personal parts are redacted (docs/privacy.md). */
  WEBHOOK_PAYLOAD_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650),
  DEFAULT_ROLE: nonEmpty.max(64),
  /** The roles an admin can give (`users set-role`, the console); always includes admin. */
  ROLES: nonEmpty.transform((value, ctx) => {
    const parsed = parseRoleList(value);
    if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: parsed.problem });
    return 'roles' in parsed ? parsed.roles : [];
  }),
  /** Users whose verified primary email is listed become admin (lower-cased). */
  ADMIN_EMAILS: nonEmpty.transform((value, ctx) => {
    const parsed = parseEmailList(value);
    if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: parsed.problem });
    return 'emails' in parsed ? parsed.emails : [];
  }),
  LOG_LEVEL: z.enum(LOG_LEVELS),
  WEB_DIST_DIR: nonEmpty,
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000),
  TRUST_PROXY: nonEmpty.transform((value): boolean | number | string => {
    if (value === 'true') return true;
    if (value === 'false') return false;
    return /^\d+$/.test(value) ? Number(value) : value;
  }),
  MIGRATE_ON_START: z.enum(['true', 'false']).transform((value) => value === 'true'),
  METRICS_TOKEN: nonEmpty.min(16, { message: 'must be at least 16 characters (e.g. openssl rand -hex 32)' }),
  METRICS_PUBLIC: z.enum(['true', 'false']).transform((value) => value === 'true'),
  /** `incremental=15m,full=24h` or `off`: the API parses the entries (apps/api/src/reconcile/reconcile-schedule.ts). */
  RECONCILE_SCHEDULE: nonEmpty,
  RECONCILE_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000),
  RECONCILE_PAGE_SIZE: z.coerce.number().int().min(1).max(500),
  STALE_AFTER: nonEmpty.transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === null) ctx.addIssue({ code: 'custom', message: 'must be a duration like 30m, 6h or 1d' });
    return ms ?? 0;
  }),
} satisfies Record<string, z.ZodType>;

export type EnvName = keyof typeof ENV_VARIABLES;
export type EnvValue<N extends EnvName> = z.output<(typeof ENV_VARIABLES)[N]>;

function isPublicKeyPem(value: string): boolean {
  if (!value.includes('-----BEGIN PUBLIC KEY-----')) return false;
  try {
    return createPublicKey(value).type === 'public';
  } catch {
    return false;
  }
}
