// `npm run dev`: the API (restarted when its sources change) and the SPA (Vite) as children of this one
// process. Ctrl-C stops both and exits 0 with nothing else printed; when
// this process or the `npm run dev` that started it goes away, however hard it was killed, both children
// go too, so no orphan keeps :3000, :5173 or the embedded database's lock (docs/decisions/110).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const root = join(import.meta.dirname, '..');
const apiPort = process.env.PORT || '3000';
/** Vite's port: 5173. WEB_PORT exists for the dev runner's own test, which must not take 5173. */
const webPort = process.env.WEB_PORT || '5173';
const env = {
  ...process.env,
  // Vite proxies /api here; the API accepts session tokens from the SPA's origin.
  API_URL: process.env.API_URL || `http://localhost:${apiPort}`,
  ...(webPort !== '5173' &&
    !process.env.WEB_ORIGIN && { WEB_ORIGIN: `http://localhost:${webPort},http://127.0.0.1:${webPort}` }),
};

// Linux: a child started through `setpriv --pdeathsig` gets SIGTERM the moment this process dies,
// even by SIGKILL. Elsewhere the ancestor watch below still covers a killed `npm run dev`.
const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((path) => existsSync(path));

let stopping: Promise<void> | null = null;

interface Child {
  name: string;
  process: ChildProcess;
  exited: Promise<number | null>;
}

function start(name: string, cwd: string, args: string[]): Child {
  const command = setpriv
    ? [setpriv, '--pdeathsig', 'TERM', process.execPath, ...args]
    : [process.execPath, ...args];
  // Its own process group: Ctrl-C reaches only this runner, which stops each child once. Output goes
  // straight to the terminal: a pipe through this process would break if it were killed, and a child
  // writing its shutdown lines into a broken pipe can hang instead of exiting.
  const child = spawn(command[0]!, command.slice(1), {
    cwd,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, process: child, exited };
}

const viteBin = join(
  dirname(createRequire(join(root, 'apps/web/package.json')).resolve('vite/package.json')),
  'bin/vite.js',
);
const children = [
  start('api', join(root, 'apps/api'), [
    '--watch-path=src',
    '--watch-path=../../packages/core/src',
    '--watch-preserve-output',
    'src/server.ts',
  ]),
  start('web', join(root, 'apps/web'), [viteBin, '--port', webPort, '--strictPort']),
];

// Both answer HTTP: say where to go, once.
void (async () => {
  const answers = (url: string) =>
    fetch(url, { signal: AbortSignal.timeout(1_000) }).then(
      () => true,
      () => false,
    );
  while (!stopping) {
    const [api, web] = await Promise.all([
      answers(`http://localhost:${apiPort}/api/health`),
      answers(`http://localhost:${webPort}/`),
    ]);
    if (api && web) {
      process.stdout.write(
        `\nusersync dev: web app http://localhost:${webPort} · API http://localhost:${apiPort} · Ctrl-C stops both\n\n`,
      );
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
})();

function stop(reason: string | null, exitCode: number): Promise<void> {
  stopping ??= (async () => {
    if (reason) process.stdout.write(`usersync dev: ${reason}\n`);
    for (const child of children) {
      if (child.process.exitCode === null && child.process.signalCode === null) signalGroup(child, 'SIGTERM');
    }
    // The API finishes in-flight requests and closes the database; force after 10 s like the API does.
    const force = setTimeout(() => {
      for (const child of children) signalGroup(child, 'SIGKILL');
    }, 10_000);
    await Promise.all(children.map((child) => child.exited));
    clearTimeout(force);
    process.stdout.write('usersync dev: stopped.\n');
    process.exit(exitCode);
  })();
  return stopping;
}

function signalGroup(child: Child, signal: NodeJS.Signals) {
  try {
    if (child.process.pid) process.kill(-child.process.pid, signal);
  } catch {
    // already gone
  }
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (stopping) {
      // A second Ctrl-C: now.
      for (const child of children) signalGroup(child, 'SIGKILL');
      process.exit(130);
    }
    void stop(null, 0);
  });
}

for (const child of children) {
  void child.exited.then((code) => {
    if (!stopping) void stop(`${child.name} exited (${code ?? 'signal'}); stopping the other one`, 1);
  });
}

// `npm run dev` → sh → this process: if npm (or the sh between) is killed hard, nothing signals us.
// Watch those ancestors and stop when one is gone.
const ancestors = npmAncestors();
setInterval(() => {
  if (ancestors.some((pid) => !isAlive(pid))) void stop('the `npm run dev` that started this is gone', 0);
}, 500).unref();

/** Our parent, and its ancestors up to the nearest npm/pnpm process (at most three levels). */
function npmAncestors(): number[] {
  const pids: number[] = [];
  let pid = process.ppid;
  for (let level = 0; level < 3 && pid > 1; level++) {
    pids.push(pid);
    const stat = procStat(pid);
    const cmdline = readProc(pid, 'cmdline')?.replaceAll('\0', ' ') ?? '';
    if (!stat || /\b(p?npm)(-cli\.js|\.cjs|\.js)?\b/.test(cmdline)) break;
    pid = stat.ppid;
  }
  return pids;
}

function readProc(pid: number, file: string): string | null {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
}

function procStat(pid: number): { state: string; ppid: number } | null {
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses; split after the last ')'.
  const stat = readProc(pid, 'stat');
  if (!stat) return null;
  const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: state ?? '?', ppid: Number(ppid) };
}

function isAlive(pid: number): boolean {
  if (existsSync('/proc/self/stat')) {
    const stat = procStat(pid);
    return stat !== null && stat.state !== 'Z';
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
