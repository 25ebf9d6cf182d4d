import {
  type ClerkConfig,
  environmentReader,
  loadDotenvFiles,
  readSharedConfig,
  type SharedConfig,
} from '@usersync/config';
import { readDevWebhookSecret } from '@usersync/core/internal';
import { CliError, EXIT } from './exit-codes.ts';

// The only file of the CLI that reads process.env: the shared rules (@usersync/config), so the CLI and
// the API read every variable the same way; every command gets a validated CliConfig.

export interface CliConfig extends Omit<SharedConfig, 'port'> {
  /** Where `webhook send` posts by default: the API on PORT. */
  webhookUrl: string;
}

// A small pool: the CLI runs a few transactions at a time at most.
const DEFAULT_POOL_SIZE = 5;

/** Reads and checks the environment; a problem is a usage error naming every variable that is wrong. */
export function readCliConfig(env: NodeJS.ProcessEnv = process.env): CliConfig {
  const r = environmentReader(env);
  const { port, ...shared } = readSharedConfig(r, { defaultPoolSize: DEFAULT_POOL_SIZE });
  if (r.problems.length > 0) {
    throw new CliError(`invalid environment:\n${r.problems.map((p) => `  ${p}`).join('\n')}`, EXIT.usage);
  }
  // Without a configured secret: the local development secret that `npm run dev`'s API made beside the
  // embedded database, so the API and this tool agree.
  const webhookSigningSecret = shared.webhookSigningSecret ?? readDevWebhookSecret(shared.dataDir);
  return { ...shared, webhookSigningSecret, webhookUrl: `http://localhost:${port}/api/webhooks/clerk` };
}

/**
 * The folder paths typed on the command line are relative to: `pnpm usersync …` runs us from apps/cli,
 * so where the operator typed them (INIT_CWD, set by pnpm/npm), else the current directory.
 */
export function invocationDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return env.INIT_CWD ?? process.cwd();
}

/** Loads `.env` (working directory, then the repository root); variables already set win. */
export function loadDotEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return loadDotenvFiles({ from: import.meta.dirname, env });
}

export function requireClerkSecretKey(clerk: ClerkConfig): string {
  if (!clerk.secretKey) {
    throw new CliError(
      'CLERK_SECRET_KEY is not set: put your Clerk secret key (sk_live_… or sk_test_…, Clerk Dashboard → API keys) ' +
        'in .env at the repository root or in the environment',
      EXIT.usage,
    );
  }
  return clerk.secretKey;
}
