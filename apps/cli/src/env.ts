import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_ROLES, parseRoleList } from '@usersync/core/admin';
import { resolveDataDir } from '@usersync/core/db';
import { readDevWebhookSecret } from '@usersync/core/local-dev';
import type { UserDeleteMode } from '@usersync/core/sync';
import dotenv from 'dotenv';
import { z } from 'zod';
import { CliError, EXIT } from './exit-codes.ts';

// The only file that reads process.env: every command gets a validated CliConfig.

export interface CliConfig {
  /** Set: that Postgres. Unset: the embedded PGlite database in dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  clerkSecretKey: string | undefined;
  clerkApiUrl: string;
  /**
   * CLERK_WEBHOOK_SIGNING_SECRET, else CLERK_WEBHOOK_SECRET, else the local development secret that
   * `npm run dev`'s API made beside the embedded database (the API and this tool then agree).
   */
  webhookSecret: string | undefined;
  /** Where `webhook send` posts by default. */
  webhookUrl: string;
  defaultRole: string;
  deleteMode: UserDeleteMode;
  /** ROLES: what `users set-role` accepts; always includes admin. */
  roles: string[];
}

const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;
const optionalText = z.preprocess(blankToUndefined, z.string().optional());

const envSchema = z.object({
  DATABASE_URL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
  ),
  DATA_DIR: optionalText,
  CLERK_SECRET_KEY: optionalText,
  CLERK_API_URL: z.preprocess(blankToUndefined, z.url().default('https://api.clerk.com')),
  CLERK_WEBHOOK_SIGNING_SECRET: optionalText,
  CLERK_WEBHOOK_SECRET: optionalText,
  PORT: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(65_535).default(3000)),
  DEFAULT_ROLE: z.preprocess(blankToUndefined, z.string().min(1).max(64).default('member')),
  USER_DELETE_MODE: z.preprocess(blankToUndefined, z.enum(['soft', 'hard']).optional()),
  // The general name (users and organizations alike); USER_DELETE_MODE is the older one.
  DELETE_MODE: z.preprocess(blankToUndefined, z.enum(['soft', 'hard']).optional()),
  ROLES: z.preprocess(
    blankToUndefined,
    z
      .string()
      .default(DEFAULT_ROLES.join(','))
      .transform((value, ctx) => {
        const parsed = parseRoleList(value);
        if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: parsed.problem });
        return 'roles' in parsed ? parsed.roles : [];
      }),
  ),
});

/** Reads and checks the environment; a problem is a usage error naming every variable that is wrong. */
export function readCliConfig(env: NodeJS.ProcessEnv): CliConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new CliError(`invalid environment:\n${problems}`, EXIT.usage);
  }
  const e = parsed.data;
  if (e.DELETE_MODE && e.USER_DELETE_MODE && e.DELETE_MODE !== e.USER_DELETE_MODE) {
    throw new CliError(
      'invalid environment:\n  DELETE_MODE: differs from USER_DELETE_MODE; set only one of them',
      EXIT.usage,
    );
  }
  const dataDir = resolveDataDir(e.DATA_DIR);
  return {
    databaseUrl: e.DATABASE_URL,
    dataDir,
    clerkSecretKey: e.CLERK_SECRET_KEY,
    clerkApiUrl: e.CLERK_API_URL,
    webhookSecret:
      e.CLERK_WEBHOOK_SIGNING_SECRET ?? e.CLERK_WEBHOOK_SECRET ?? readDevWebhookSecret(dataDir) ?? undefined,
    webhookUrl: `http://localhost:${e.PORT}/api/webhooks/clerk`,
    defaultRole: e.DEFAULT_ROLE,
    deleteMode: e.DELETE_MODE ?? e.USER_DELETE_MODE ?? 'soft',
    roles: e.ROLES,
  };
}

/**
 * Loads `.env` from the repository root (found by walking up to pnpm-workspace.yaml) when present.
 * Variables already set in the environment win, as everywhere else.
 */
export function loadDotEnv(from: string, env: NodeJS.ProcessEnv = process.env): string | null {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) break;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
  const file = join(dir, '.env');
  if (!existsSync(file)) return null;
  dotenv.config({ path: file, processEnv: env as Record<string, string>, quiet: true });
  return file;
}

export function requireClerkSecretKey(config: CliConfig): string {
  if (!config.clerkSecretKey) {
    throw new CliError(
      'CLERK_SECRET_KEY is not set: put your Clerk secret key (sk_live_… or sk_test_…, Clerk Dashboard → API keys) ' +
        'in .env at the repository root or in the environment',
      EXIT.usage,
    );
  }
  return config.clerkSecretKey;
}
