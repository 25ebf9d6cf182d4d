// `pnpm --filter @usersync/api migrate` (and the first step of `dev`): migrates DATABASE_URL, or the
// embedded PGlite database at DATA_DIR, then exits; non-zero on failure.
import { createDatabase } from '@usersync/core/db';
import { loadDotenvFiles, readEnv } from './env.ts';
import { runMigrations } from './run-migrations.ts';

loadDotenvFiles();
const { config, problems } = readEnv();
const databaseProblems = problems.filter((p) => p.startsWith('DATABASE_URL') || p.startsWith('DATA_DIR'));
if (databaseProblems.length > 0) {
  console.error(`usersync migrate: invalid configuration:\n  ${databaseProblems.join('\n  ')}`);
  process.exit(1);
}
let database: ReturnType<typeof createDatabase>;
try {
  database = createDatabase(config.database);
} catch (error) {
  console.error(`usersync migrate: cannot open the database: ${(error as Error).message}`);
  process.exit(1);
}
try {
  const applied = await runMigrations(database.db);
  console.log(
    applied.length > 0
      ? `usersync migrate: applied ${applied.join(', ')} to ${database.description}`
      : `usersync migrate: ${database.description} is up to date`,
  );
} catch (error) {
  console.error(`usersync migrate: failed on ${database.description}: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await database.close();
}
