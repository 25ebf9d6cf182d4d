// The process: configuration from the environment (and .env), logger, database, listen, graceful close.
// Everything else is the app (app.ts). `node src/server.ts` in development, `node dist/server.js`
// (built by build.ts, NODE_ENV defaulting to production) for `pnpm start:api`.
import { createDatabase, describeApplied, prepareSchema } from '@usersync/core/internal';
import closeWithGrace from 'close-with-grace';
import { buildApp, SERVER_TIMEOUTS } from './app.ts';
import { applyDevWebhookSecret, describeMissingClerk, loadDotenvFiles, readEnv } from './env.ts';
import { loggerOptions } from './logger.ts';
import { limitOutboundHttp } from './outbound-http.ts';
import { checkWebBuild } from './plugins/web-app.plugin.ts';

const envFiles = loadDotenvFiles();
const env = readEnv();
const devWebhookSecretNote = applyDevWebhookSecret(env);
const { config, problems, notes, missingClerk } = env;
const production = config.mode === 'production';
if (production) {
  const webBuildProblem = checkWebBuild(config.webDistDir, config.clerk.publishableKey);
  if (webBuildProblem) problems.push(webBuildProblem);
}

if (production && problems.length > 0) {
  console.error(
    [
      `usersync API: refusing to start in production, ${problems.length} configuration problem(s):`,
      ...problems.map((problem) => `  - ${problem}`),
      'Set them in the environment (or .env); see .env.example and the README configuration table.',
    ].join('\n'),
  );
  process.exit(1);
}

const logger = loggerOptions({
  level: config.logLevel,
  pretty: config.mode === 'development' && hasPinoPretty(),
});
let database: ReturnType<typeof createDatabase>;
try {
  database = createDatabase(config.database);
} catch (error) {
  // e.g. the embedded database is already open in another process: say so plainly, no stack trace.
  console.error(`usersync API: cannot open the database: ${(error as Error).message}`);
  process.exit(1);
}
limitOutboundHttp(config.clerkTimeoutMs);
const app = await buildApp({
  config,
  db: database.db,
  logger,
  timeouts: SERVER_TIMEOUTS,
  poolStats: database.poolStats,
});
const log = app.log;

if (envFiles.length > 0) log.info({ files: envFiles }, 'loaded .env');
for (const note of notes) log.warn(note);
if (devWebhookSecretNote) log.info(devWebhookSecretNote);
if (!production && (missingClerk.length > 0 || problems.length > 0)) {
  log.warn(describeMissingClerk(missingClerk, problems));
}

try {
  // MIGRATE_ON_START=false: refuse to start while a migration is pending (a separate step applies them).
  const applied = await prepareSchema(database.db, {
    apply: config.migrateOnStart,
    database: database.description,
  });
  if (applied.length > 0) log.info({ applied }, describeApplied(applied, database.description));
} catch (error) {
  log.fatal({ err: error }, `cannot start: database ${database.description} is not ready`);
  await database.close().catch(() => {});
  process.exit(1);
}

// SIGTERM/SIGINT: stop accepting, let in-flight requests finish (Fastify answers 503 to new requests
// on kept-alive connections meanwhile), then close the pool. Forced exit after 10 s.
closeWithGrace(
  { delay: 10_000, logger: { error: (message: unknown) => log.error(message) } },
  async ({ signal, err }) => {
    if (err) log.error({ err }, 'closing after an unexpected error');
    else log.info({ signal }, 'shutting down: finishing in-flight requests');
    await app.close();
    await database.close();
    log.info('shut down cleanly');
  },
);

await app.listen({ port: config.port, host: config.host });
log.info(
  { mode: config.mode, database: database.description, web: config.webDistDir },
  `usersync API ready (${config.mode}, ${database.description})`,
);

function hasPinoPretty(): boolean {
  try {
    import.meta.resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}
