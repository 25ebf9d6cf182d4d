import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import type { DatabaseConfig, PoolMode } from '@usersync/config';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import { registerStatementRunner, type StatementRunner } from './prepared-statement.ts';
import type { Database } from './schema.ts';

// Which database and where are configuration (DATABASE_URL, DATA_DIR): packages/config/src/database.ts.
export {
  type DatabaseConfig,
  databaseConfigFromEnv,
  type PoolMode,
  resolveDataDir,
  resolveRepoPath,
} from '@usersync/config';

export type Db = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  kind: DatabaseConfig['kind'];
  /** Where the data lives, for log lines: the host/database of a URL (no password), or a folder. */
  description: string;
  close(): Promise<void>;
  /** Connections of the Postgres pool right now; null for PGlite (one in-process connection). */
  poolStats(): PoolStats | null;
}

export interface PoolStats {
  /** Connections open (idle or checked out). */
  total: number;
  idle: number;
  /** Queries queued for a connection because every connection is checked out. */
  waiting: number;
}

export class EmbeddedDatabaseInUseError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `The embedded database at ${dataDir} is open in another process (pid ${pid}, e.g. the API from \`npm run dev\`). ` +
        'PGlite allows one process at a time: stop that process, or set DATABASE_URL to use a Postgres server.',
    );
    this.name = 'EmbeddedDatabaseInUseError';
  }
}

/**
 * PGlite on disk must be opened by one process only; two would corrupt it. A lock file beside the data
 * folder holds the owner's pid; a lock whose process is gone is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const lockPath = `${dataDir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        rmSync(lockPath, { force: true });
        process.off('exit', release);
      };
      process.on('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isProcessAlive(owner)) {
        throw new EmbeddedDatabaseInUseError(dataDir, owner);
      }
      rmSync(lockPath, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`could not lock ${lockPath}`);
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `postgres://${u.username ? `${decodeURIComponent(u.username)}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return 'postgres (unparseable DATABASE_URL)';
  }
}

export function createDatabase(config: DatabaseConfig): DatabaseHandle {
  if (config.kind === 'postgres') {
    const pool = new pg.Pool({
      connectionString: config.url,
      max: config.poolSize ?? 10,
      // Fail fast when the database is unreachable, so a webhook gets a 503 well inside Svix's 15 s.
      connectionTimeoutMillis: 5_000,
    });
    // An idle client that loses its connection emits 'error'; without a listener that kills the process.
    pool.on('error', () => {});
    // So does a checked-out one (the pool listens only while a client is idle, and Kysely not at all):
    // a Postgres restart mid-request would crash the process. The query in flight still fails.
    pool.on('connect', (client) => client.on('error', () => {}));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    registerStatementRunner(db, preparedStatementRunner(pool, config.poolMode ?? 'session'));
    return {
      db,
      kind: 'postgres',
      description: describeDatabaseUrl(config.url),
      close: () => db.destroy(),
      poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    };
  }
  let release = () => {};
  if (config.dataDir) {
    mkdirSync(config.dataDir, { recursive: true });
    release = lockDataDir(config.dataDir);
  }
  const { dataDir } = config;
  // Loaded on first use: PGlite is an optional peer dependency of the installable package, needed only by
  // those who embed the database (decision 170).
  let opened: Promise<PGlite> | undefined;
  const pglite = () => {
    opened ??= loadPGlite().then((Embedded) => new Embedded(dataDir));
    return opened;
  };
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  // Straight to PGlite (it queues behind an open transaction), not through Kysely's connection, which
  // would send it into whatever Kysely transaction is open at the time.
  registerStatementRunner(
    db,
    async (statement, values) =>
      (await (await pglite()).query<Record<string, unknown>>(statement.text, values)).rows,
  );
  return {
    db,
    kind: 'pglite',
    description: config.dataDir ? `embedded PGlite at ${config.dataDir}` : 'embedded PGlite in memory',
    poolStats: () => null,
    close: async () => {
      try {
        await db.destroy();
        // Kysely closes only an instance it opened itself; the statement runner may have opened it first.
        const embedded = await opened;
        if (embedded && !embedded.closed) await embedded.close();
      } finally {
        release();
      }
    },
  };
}

/**
 * Session mode: named statements, parsed and planned once per connection (the write path's rule
 * functions are inlined into the plan, which a named statement keeps). Transaction mode: unnamed ones,
 * which a pooler's next client never sees. A session-mode URL that turns out to be a transaction pooler
 * (the statement is missing on, or already on, the server connection the pooler picked) switches this
 * pool to unnamed statements and runs the statement again: Postgres refused it before running it.
 */
function preparedStatementRunner(pool: pg.Pool, mode: PoolMode): StatementRunner {
  let named = mode === 'session';
  return async (statement, values) => {
    if (!named) return (await pool.query({ text: statement.text, values })).rows;
    try {
      return (await pool.query({ name: statement.name, text: statement.text, values })).rows;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      // 26000: prepared statement does not exist; 42P05: prepared statement already exists.
      if (code !== '26000' && code !== '42P05') throw error;
      named = false;
      return (await pool.query({ text: statement.text, values })).rows;
    }
  };
}

async function loadPGlite(): Promise<typeof PGlite> {
  try {
    return (await import('@electric-sql/pglite')).PGlite;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new Error(
      "The embedded database needs the package @electric-sql/pglite: install it (npm install @electric-sql/pglite), or use { kind: 'postgres', url }.",
      { cause: error },
    );
  }
}

/** True for errors that mean "the database is not there" rather than "the query is wrong". */
export function isDatabaseUnavailableError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN'].includes(code))
      return true;
    // 08xxx connection exceptions, 57P01-57P03 admin shutdown / crash / cannot connect now, 53300 too many connections.
    if (code.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(code)) return true;
  }
  const message = String((error as { message?: unknown }).message ?? '');
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|PGlite is closed|driver has already been destroyed/i.test(
    message,
  );
}
