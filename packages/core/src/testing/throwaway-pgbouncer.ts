import { type ChildProcess, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './free-port.ts';
import { postgresUser, runuser } from './throwaway-postgres.ts';

export interface ThrowawayPgBouncer {
  port: number;
  /** `url` (a database URL of the PostgreSQL behind it) with the host and port of this PgBouncer. */
  urlFor(url: string): string;
  /** Stops it. Safe to call twice. */
  destroy(): void;
}

const PGBOUNCER = process.env.PGBOUNCER_BIN ?? '/usr/sbin/pgbouncer';

/**
 * Starts Debian's PgBouncer (1.18) in transaction mode in front of a PostgreSQL on 127.0.0.1:postgresPort
 * (about 0.1 s): each transaction, or statement outside one, may reach another server connection, and a
 * server connection (with anything a client left on it: named prepared statements, session advisory
 * locks) is handed to the next client, as Supabase's port 6543 and Neon's `-pooler` hosts do.
 * `serverConnections` small, so clients share them, as they do in production.
 * Installed by `bash scripts/ensure-pgbouncer.sh` (npm test runs it).
 */
export async function startThrowawayPgBouncer(options: {
  postgresPort: number;
  serverConnections?: number;
}): Promise<ThrowawayPgBouncer> {
  if (!existsSync(PGBOUNCER)) {
    throw new Error(
      `PgBouncer not found at ${PGBOUNCER}: run \`bash scripts/ensure-pgbouncer.sh\` (apt-get install pgbouncer), or set PGBOUNCER_BIN.`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'usersync-pgbouncer-'));
  const port = await freePort();
  const ini = join(dir, 'pgbouncer.ini');
  writeFileSync(join(dir, 'users.txt'), '"postgres" ""\n');
  writeFileSync(
    ini,
    [
      '[databases]',
      `* = host=127.0.0.1 port=${options.postgresPort}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'users.txt')}`,
      'pool_mode = transaction',
      `default_pool_size = ${options.serverConnections ?? 8}`,
      'max_client_conn = 2000',
      // node-postgres sends none of these by default; a client that does must not be refused.
      'ignore_startup_parameters = extra_float_digits,options,statement_timeout',
      'server_reset_query =',
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      'log_connections = 0',
      'log_disconnections = 0',
    ].join('\n'),
  );
  // It refuses to run as root: as root, it runs as the postgres user (like the throwaway PostgreSQL).
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { uid, gid } = postgresUser();
    for (const path of [dir, ini, join(dir, 'users.txt')]) chownSync(path, uid, gid);
  }
  const child: ChildProcess = spawn(
    asRoot ? runuser() : PGBOUNCER,
    asRoot ? ['-u', 'postgres', '--', PGBOUNCER, ini] : [ini],
    {
      stdio: 'ignore',
    },
  );
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const log = () => {
    try {
      return readFileSync(join(dir, 'pgbouncer.log'), 'utf8');
    } catch {
      return '(no log)';
    }
  };
  const destroy = () => {
    if (!exited) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  for (const started = Date.now(); !(await accepts(port)); ) {
    if (exited || Date.now() - started > 10_000) {
      destroy();
      throw new Error(`PgBouncer did not start:\n${log()}`);
    }
    await sleep(50);
  }
  process.once('exit', destroy);
  return {
    port,
    urlFor(url) {
      const u = new URL(url);
      u.host = `127.0.0.1:${port}`;
      return u.toString();
    },
    destroy,
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
