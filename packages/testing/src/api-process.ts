import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@usersync/core/testing';
import { REPO_ROOT } from './repo-root.ts';

/** Builds the API's production bundle (about 1 s), so a test never runs a stale one. */
export function buildApiEntry(): string {
  execFileSync(process.execPath, ['build.ts'], { cwd: join(REPO_ROOT, 'apps', 'api'), stdio: 'pipe' });
  return apiEntry();
}

/** The production build that benchmarks, fault suites and the browser test run (`pnpm build` makes it). */
export function apiEntry(): string {
  const entry = process.env.USERSYNC_API_ENTRY ?? join(REPO_ROOT, 'apps', 'api', 'dist', 'server.js');
  if (!existsSync(entry)) {
    throw new Error(
      `${entry} does not exist: build the API first (pnpm build, or pnpm --filter @usersync/api build)`,
    );
  }
  return entry;
}

export interface ApiProcess {
  url: string;
  port: number;
  pid: number;
  logFile: string;
  /** Everything the process printed so far (for failure messages). */
  output(): string;
  /** Memory of the live process from /proc/<pid>/status, in KiB. */
  memory(): { rssKiB: number; peakRssKiB: number };
  /** True once the process has exited (crashed or stopped). */
  exited(): boolean;
  exitCode(): number | null;
  /** SIGTERM, then SIGKILL after a grace period. */
  stop(): Promise<void>;
}

export interface ApiProcessOptions {
  /** Environment of the API (on top of PATH/HOME); NODE_ENV=production and HOST/PORT are set here. */
  env: Record<string, string>;
  /** Names the log file. */
  name: string;
  /** Where the log file goes and the process runs (default: a new temp folder). */
  logDir?: string;
  /** Extra node flags (e.g. --cpu-prof). */
  nodeArgs?: string[];
  readyTimeoutMs?: number;
  /** The API serves the SPA itself: WEB_ORIGIN (CORS, session `azp`) is its own origin. */
  originAsWebOrigin?: boolean;
}

/** Starts `node apps/api/dist/server.js` on a free loopback port and waits until /api/health answers. */
export async function startApiProcess(options: ApiProcessOptions): Promise<ApiProcess> {
  const port = await freePort();
  const logDir = options.logDir ?? mkdtempSync(join(tmpdir(), 'usersync-api-'));
  const logFile = join(logDir, `${options.name}.log`);
  const fd = openSync(logFile, 'w');
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), apiEntry()], {
    // Not the repository root: the API must not pick up a developer's .env there by accident.
    cwd: logDir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      // API only unless a test gives a web build: whatever apps/web/dist holds (a build without a
      // publishable key, say) is not what these processes are about.
      WEB_DIST_DIR: join(logDir, 'no-web-app'),
      ...(options.originAsWebOrigin ? { WEB_ORIGIN: `http://127.0.0.1:${port}` } : {}),
      ...options.env,
    },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  let exitCode: number | null = null;
  let hasExited = false;
  const exitPromise = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      hasExited = true;
      exitCode = code ?? (signal ? 128 : null);
      resolve();
    }),
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn the API process');
  const url = `http://127.0.0.1:${port}`;

  const handle: ApiProcess = {
    url,
    port,
    pid,
    logFile,
    output: () => tail(logFile, 200),
    memory: () => readMemory(pid),
    exited: () => hasExited,
    exitCode: () => exitCode,
    async stop() {
      if (hasExited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 12_000);
      await exitPromise;
      clearTimeout(timer);
    },
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (hasExited) {
      throw new Error(`API process exited (${exitCode}) before it was ready:\n${tail(logFile)}`);
    }
    try {
      const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return handle;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await handle.stop();
      throw new Error(
        `API process not ready after ${options.readyTimeoutMs ?? 30_000} ms:\n${tail(logFile)}`,
      );
    }
    await sleep(100);
  }
}

/** VmRSS (now) and VmHWM (peak since start) of a process, in KiB. */
export function readMemory(pid: number): { rssKiB: number; peakRssKiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssKiB: field('VmRSS'), peakRssKiB: field('VmHWM') };
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
