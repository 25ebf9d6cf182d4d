import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './lib/free-port.ts';

// The production build as a new user runs it, in a fresh clone of this repository (with the working
// tree's changes): the Dockerfile's build stage (its RUN commands, the key only as the build argument),
// then the README's order (build without `.env`, fill `.env`, build again, `npm run start:api`), then a
// build with the key only in the environment. Each must end with the API serving the SPA. One clone and
// one install for all of it; turbo's cache is the clone's own, as a user's would be.

const root = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'usersync-deploy-build-'));
const clone = join(work, 'usersync');

const keyFor = (host: string) => `pk_test_${Buffer.from(`${host}$`).toString('base64')}`;
const KEY_ENV = keyFor('from-the-environment.clerk.accounts.dev');
const KEY_DOTENV = keyFor('from-dotenv.clerk.accounts.dev');
const KEY_IMAGE = keyFor('from-the-build-argument.clerk.accounts.dev');

/** What the API needs besides the publishable key (well-formed; Clerk is never called here). */
const SERVER_SECRETS = {
  CLERK_SECRET_KEY: 'sk_test_deploymentbuildtest0000000000000000000',
  CLERK_WEBHOOK_SIGNING_SECRET: `whsec_${Buffer.from('deployment-build-test-secret-32b').toString('base64')}`,
};

// The clone holds a full install: removing it takes longer than a hook's default 10 s on a busy machine.
afterAll(() => rmSync(work, { recursive: true, force: true }), 120_000);

/** A clone of HEAD with the working tree's uncommitted and untracked files copied over. */
function cloneWorkingTree(): void {
  execFileSync('git', ['clone', '--quiet', '--no-hardlinks', root, clone]);
  const git = (args: string[]) =>
    execFileSync('git', args, { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const path of git(['ls-files', '-z', '--modified', '--others', '--exclude-standard'])) {
    const from = join(root, path);
    if (!existsSync(from)) continue;
    mkdirSync(dirname(join(clone, path)), { recursive: true });
    cpSync(from, join(clone, path));
  }
  for (const path of git(['ls-files', '-z', '--deleted'])) rmSync(join(clone, path), { force: true });
}

/**
 * PATH, HOME and how this machine reaches the npm registry (proxy, CA certificates, registry
 * settings), as a build machine has them: no Clerk or database variable leaks in.
 */
function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  const network = Object.entries(process.env).filter(
    (entry): entry is [string, string] =>
      /^(https?_proxy|no_proxy|npm_config_\w+|NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR)$/i.test(
        entry[0],
      ) && entry[1] !== undefined,
  );
  return {
    ...Object.fromEntries(network),
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    ...extra,
  };
}

function sh(command: string, env: Record<string, string>, cwd = clone): string {
  try {
    // No stdin, as in `docker build` and CI: nothing may wait for an answer.
    return execFileSync('bash', ['-c', command], {
      cwd,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`\`${command}\` failed:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

interface Started {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function start(command: string, args: string[], cwd: string, env: Record<string, string>): Started {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Waits for /api/health, then asks for a page: the SPA's index.html (the API serves it in production). */
async function expectServesSpa(server: Started, port: number, key: string): Promise<void> {
  const base = `http://127.0.0.1:${port}`;
  let exited = false;
  void server.exited.then(() => (exited = true));
  try {
    for (let waited = 0; ; waited += 200) {
      if (exited) throw new Error(`the API exited before it served:\n${server.output()}`);
      const ok = await fetch(`${base}/api/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (waited > 60_000) throw new Error(`the API did not answer in 60 s:\n${server.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const page = await fetch(`${base}/dashboard`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const info = await fetch(`${base}/usersync-build.json`);
    expect(await info.json()).toEqual({ clerkPublishableKey: key });
  } finally {
    // Its whole group: `npm run start:api` is bash → node.
    try {
      process.kill(-server.child.pid!, 'SIGTERM');
    } catch {}
    await server.exited;
  }
}

/** `npm run <name>` as npm runs it: the script's text, by `sh -c`, from the repository root. */
function npmScript(name: string): string {
  const { scripts } = JSON.parse(readFileSync(join(clone, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const script = scripts[name];
  if (!script) throw new Error(`package.json has no ${name} script`);
  return script;
}

async function startApi(env: Record<string, string>): Promise<{ server: Started; port: number }> {
  const port = await freePort();
  const server = start('sh', ['-c', npmScript('start:api')], clone, {
    ...baseEnv(),
    HOST: '127.0.0.1',
    PORT: String(port),
    WEB_ORIGIN: `http://127.0.0.1:${port}`,
    DATA_DIR: join(work, `pglite-${port}`),
    ...env,
  });
  return { server, port };
}

beforeAll(() => {
  cloneWorkingTree();
}, 120_000);

describe('the Docker image, built without Docker', () => {
  /** Dockerfile instructions per stage, continuation lines joined, comments dropped. */
  const stages = readFileSync(join(root, 'Dockerfile'), 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .reduce<Array<Array<{ op: string; args: string }>>>((all, line) => {
      const [op, ...rest] = line.split(/\s+/);
      if (op!.toUpperCase() === 'FROM') all.push([]);
      all.at(-1)!.push({ op: op!.toUpperCase(), args: rest.join(' ') });
      return all;
    }, []);
  const [build, run] = [stages[0]!, stages.at(-1)!];
  const out = join(work, 'out');

  /** `ENV A=1 B=${ARG}` lines of a stage, with build arguments substituted. */
  function stageEnv(steps: typeof build, args: Record<string, string>): Record<string, string> {
    const env: Record<string, string> = {};
    for (const step of steps.filter((s) => s.op === 'ENV')) {
      for (const [, name, value] of step.args.matchAll(/(\w+)=(\S*)/g)) {
        env[name!] = value!.replace(/\$\{(\w+)\}/g, (_, arg: string) => args[arg] ?? '');
      }
    }
    return env;
  }

  it('its build stage, given only the build argument, makes what the run stage starts, and the API serves it', async () => {
    // The build context: no .git, .env, node_modules, dist or turbo cache (.dockerignore).
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['.git', '.env', '.turbo', '**/node_modules', '**/dist'])
      expect(ignored).toContain(entry);
    renameSync(join(clone, '.git'), join(work, 'git-aside'));
    try {
      const args = Object.fromEntries(
        build
          .filter((s) => s.op === 'ARG')
          .map((s) => [s.args, s.args === 'CLERK_PUBLISHABLE_KEY' ? KEY_IMAGE : '']),
      );
      expect(Object.keys(args)).toContain('CLERK_PUBLISHABLE_KEY');
      const env = baseEnv({ ...args, ...stageEnv(build, args) });
      for (const step of build.filter((s) => s.op === 'RUN')) {
        // pnpm itself is already here (the toolchain's, the same pin: deployment-files.test.ts checks it).
        if (step.args.startsWith('npm install --global')) continue;
        sh(step.args.replaceAll('/out', out), env);
      }
    } finally {
      renameSync(join(work, 'git-aside'), join(clone, '.git'));
    }

    // The run stage: COPY --from=build /out/api ./ and /out/web ./web, its ENV, its CMD, in /app.
    const copies = run.filter((s) => s.op === 'COPY' && s.args.includes('--from=build'));
    expect(copies.map((s) => s.args.split(/\s+/).slice(-2).join(' '))).toEqual([
      '/out/api ./',
      '/out/web ./web',
    ]);
    const app = join(out, 'api');
    cpSync(join(out, 'web'), join(app, 'web'), { recursive: true });
    const cmd = JSON.parse(run.find((s) => s.op === 'CMD')!.args) as string[];
    expect(cmd[0]).toBe('node');
    const port = await freePort();
    const runEnv = stageEnv(run, {});
    expect(runEnv.WEB_DIST_DIR).toBe('/app/web');
    const server = start(process.execPath, cmd.slice(1), app, {
      ...baseEnv(),
      ...runEnv,
      WEB_DIST_DIR: join(app, 'web'),
      DATA_DIR: join(work, 'image-data', 'pglite'),
      HOST: '127.0.0.1',
      PORT: String(port),
      WEB_ORIGIN: `http://127.0.0.1:${port}`,
      CLERK_PUBLISHABLE_KEY: KEY_IMAGE,
      ...SERVER_SECRETS,
    });
    await expectServesSpa(server, port, KEY_IMAGE);
  });
});

describe("the README's production path, in its order", () => {
  const dotenv = join(clone, '.env');
  const dotenvText = (key: string) =>
    Object.entries({ CLERK_PUBLISHABLE_KEY: key, ...SERVER_SECRETS })
      .map(([name, value]) => `${name}=${value}`)
      .join('\n');

  it('build, then fill .env, build again: start:api serves the SPA with the key (no replayed keyless build)', async () => {
    rmSync(dotenv, { force: true });
    sh(npmScript('build'), baseEnv());
    // The first build had no key: the API refuses it, naming the fix.
    writeFileSync(dotenv, dotenvText(KEY_DOTENV));
    const refused = await startApi({});
    const timeout = setTimeout(() => process.kill(-refused.server.child.pid!, 'SIGKILL'), 60_000);
    expect(await refused.server.exited).toBe(1);
    clearTimeout(timeout);
    expect(refused.server.output()).toContain('built without a Clerk publishable key');

    sh(npmScript('build'), baseEnv());
    const { server, port } = await startApi({});
    await expectServesSpa(server, port, KEY_DOTENV);
  });

  it('a build with CLERK_PUBLISHABLE_KEY only in the environment (CI, a PaaS) is served with that key', async () => {
    rmSync(dotenv, { force: true });
    sh(npmScript('build'), baseEnv({ CLERK_PUBLISHABLE_KEY: KEY_ENV }));
    const { server, port } = await startApi({ CLERK_PUBLISHABLE_KEY: KEY_ENV, ...SERVER_SECRETS });
    await expectServesSpa(server, port, KEY_ENV);
  });
});
