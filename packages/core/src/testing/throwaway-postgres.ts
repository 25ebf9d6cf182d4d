import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';

export interface ThrowawayPostgres {
  /** Superuser URL of the `postgres` database. */
  url: string;
  port: number;
  /** Stops the server, keeping its data (for outage tests); `start()` brings it back on the same port. */
  stop(): void;
  start(): void;
  /** Stops the server and removes its data. Safe to call twice. */
  destroy(): void;
}

const DEFAULT_PG_BIN = '/usr/lib/postgresql/15/bin';

/**
 * Starts a private PostgreSQL cluster in a temp folder (about 1–2 s), tuned for tests: no fsync.
 * `durable: true` keeps PostgreSQL's defaults instead (fsync, synchronous_commit, full_page_writes on),
 * as benchmarks that compare commit costs need.
 * Uses `PG_BIN` or /usr/lib/postgresql/15/bin. Postgres refuses to run as root, so as root the
 * server runs as the `postgres` system user.
 */
export async function startThrowawayPostgres(
  options: { pgBin?: string; durable?: boolean } = {},
): Promise<ThrowawayPostgres> {
  const bin = options.pgBin ?? process.env.PG_BIN ?? DEFAULT_PG_BIN;
  if (!existsSync(join(bin, 'pg_ctl'))) {
    throw new Error(
      `PostgreSQL server binaries not found in ${bin}. Install them (apt-get install postgresql-15) ` +
        'or set PG_BIN to the folder holding initdb and pg_ctl, or set DATABASE_URL to a server to use.',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'usersync-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { uid, gid } = postgresUser();
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
  }
  const run = (cmd: string, args: string[]) => {
    const [file, argv] = asRoot
      ? [runuser(), ['-u', 'postgres', '--', join(bin, cmd), ...args]]
      : [join(bin, cmd), args];
    const result = spawnSync(file, argv as string[], { encoding: 'utf8' });
    if (result.status !== 0) {
      throw new Error(
        `${cmd} failed (${result.error?.message ?? result.status}): ${result.stderr || result.stdout}`,
      );
    }
  };
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  const settings = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    ...(options.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
    '-c max_connections=300',
  ].join(' ');
  let running = false;
  const handle: ThrowawayPostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start() {
      if (running) return;
      run('pg_ctl', ['-D', data, '-o', settings, '-l', join(dir, 'server.log'), '-w', '-t', '30', 'start']);
      running = true;
    },
    stop() {
      if (!running) return;
      run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      running = false;
    },
    destroy() {
      try {
        if (running) run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        running = false;
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  handle.start();
  // Do not leave a server behind when the process ends without calling destroy().
  process.once('exit', () => {
    try {
      handle.destroy();
    } catch {}
  });
  return handle;
}

/** The `postgres` system user, which servers run as when the tests run as root. */
export function postgresUser(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

// runuser lives in /usr/sbin, which a minimal PATH may lack.
export function runuser(): string {
  return ['/usr/sbin/runuser', '/sbin/runuser', '/usr/bin/runuser'].find((p) => existsSync(p)) ?? 'runuser';
}
