import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './lib/free-port.ts';

// `npm run dev`'s process tree (scripts/dev.ts), started as npm does it (`sh -c`), on free ports and a
// throwaway embedded database: Ctrl-C is quiet and clean, and killing the parent takes the tree with it.

const stateDir = mkdtempSync(join(tmpdir(), 'usersync-dev-runner-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

interface DevRun {
  /** The dev runner, or the `sh -c` standing in for npm as its parent. */
  shell: ChildProcess;
  output(): string;
  apiPort: number;
  dataDir: string;
  exited: Promise<number | null>;
}

async function startDev(name: string, options: { viaShell: boolean }): Promise<DevRun> {
  const [apiPort, webPort] = [await freePort(), await freePort()];
  const dataDir = join(stateDir, name, 'pglite');
  // No Clerk variables: a developer's .env cannot change what this checks (real variables win).
  const blank = ['CLERK_SECRET_KEY', 'CLERK_PUBLISHABLE_KEY', 'CLERK_WEBHOOK_SIGNING_SECRET', 'DATABASE_URL'];
  // A shell function keeps `sh` alive as the runner's parent, as it is under npm.
  const [command, args] = options.viaShell
    ? ['sh', ['-c', `run_dev() { "${process.execPath}" dev.ts; }; run_dev`]]
    : [process.execPath, ['dev.ts']];
  const shell = spawn(command, args, {
    cwd: import.meta.dirname,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'development',
      PORT: String(apiPort),
      WEB_PORT: String(webPort),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      ...Object.fromEntries(blank.map((variable) => [variable, ''])),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own group, as a terminal's foreground job is
  });
  let output = '';
  shell.stdout!.on('data', (chunk) => (output += chunk));
  shell.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => shell.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 150_000;
  while (!output.includes('usersync dev: web app')) {
    if (Date.now() > deadline || shell.exitCode !== null) throw new Error(`dev did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { shell, output: () => output, apiPort, dataDir, exited };
}

async function apiAnswers(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(1_000) }).then(
    () => true,
    () => false,
  );
}

async function eventually(check: () => Promise<boolean> | boolean, ms = 15_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

describe('npm run dev (scripts/dev.ts)', () => {
  it('Ctrl-C stops the API and Vite and exits 0 with no error noise', async () => {
    const dev = await startDev('ctrl-c', { viaShell: false });
    expect(await apiAnswers(dev.apiPort)).toBe(true);
    // What a terminal does on Ctrl-C: SIGINT to the whole foreground group.
    process.kill(-dev.shell.pid!, 'SIGINT');
    expect(await dev.exited).toBe(0);
    expect(dev.output()).toContain('usersync dev: stopped.');
    expect(dev.output()).toContain('shut down cleanly');
    expect(dev.output()).not.toMatch(/ELIFECYCLE|Tasks:|Error|failed/i);
    expect(await apiAnswers(dev.apiPort)).toBe(false);
    expect(existsSync(`${dev.dataDir}.lock`)).toBe(false);
  });

  it('a hard kill of its parent takes the API and Vite with it: the port and the database lock are freed', async () => {
    const dev = await startDev('kill', { viaShell: true });
    expect(existsSync(`${dev.dataDir}.lock`)).toBe(true);
    dev.shell.kill('SIGKILL');
    expect(await eventually(async () => !(await apiAnswers(dev.apiPort)))).toBe(true);
    expect(await eventually(() => !existsSync(`${dev.dataDir}.lock`))).toBe(true);
  });
});
