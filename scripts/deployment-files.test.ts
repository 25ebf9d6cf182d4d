import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { API_NODE_FLAGS } from '../apps/api/src/node-flags.ts';

// The Dockerfile and compose.yaml cannot be built here (no Docker daemon on CI machines, and `.ci/run`
// must not need one): these checks catch what breaks them without running Docker. They were not built.

const root = join(import.meta.dirname, '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** Dockerfile instructions, with continuation lines joined and comments dropped. */
function dockerInstructions(text: string): Array<{ op: string; args: string; stage: number }> {
  const joined = text.replace(/\\\n/g, ' ');
  let stage = -1;
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [op, ...rest] = line.split(/\s+/);
      if (op!.toUpperCase() === 'FROM') stage += 1;
      return { op: op!.toUpperCase(), args: rest.join(' '), stage };
    });
}

/** Every folder holding a workspace package.json (pnpm-workspace.yaml's globs are `dir/*` or `dir`). */
function workspacePackages(): string[] {
  const { packages } = parse(read('pnpm-workspace.yaml')) as { packages: string[] };
  return packages.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern];
    const dir = pattern.slice(0, -2);
    return readdirSync(join(root, dir), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${dir}/${entry.name}`)
      .filter((path) => {
        try {
          return Boolean(read(`${path}/package.json`));
        } catch {
          return false;
        }
      });
  });
}

describe('Dockerfile', () => {
  const steps = dockerInstructions(read('Dockerfile'));
  const last = Math.max(...steps.map((step) => step.stage));
  const final = steps.filter((step) => step.stage === last);

  it('is multi-stage, and the image runs the production bundle as a non-root user with a health check', () => {
    expect(steps.filter((step) => step.op === 'FROM')).toHaveLength(2);
    const user = final.findLast((step) => step.op === 'USER');
    expect(user?.args).toBeDefined();
    expect(['root', '0']).not.toContain(user!.args.split(':')[0]);
    expect(final.find((step) => step.op === 'HEALTHCHECK')?.args).toContain('/api/health');
    expect(JSON.parse(final.find((step) => step.op === 'CMD')!.args)).toEqual([
      'node',
      ...API_NODE_FLAGS,
      'dist/server.js',
    ]);
    expect(final.find((step) => step.op === 'ENV')?.args).toContain('NODE_ENV=production');
  });

  it('copies every workspace manifest before the frozen install (else pnpm refuses the lockfile)', () => {
    const copied = steps
      .filter((step) => step.op === 'COPY' && step.stage === 0)
      .map((step) => step.args.split(/\s+/)[0]);
    for (const path of workspacePackages()) expect(copied, path).toContain(`${path}/package.json`);
    const install = steps.findIndex((step) => step.args.includes('pnpm install --frozen-lockfile'));
    const sources = steps.findIndex((step) => step.op === 'COPY' && step.args === '. .');
    expect(install).toBeGreaterThan(0);
    expect(install).toBeLessThan(sources);
  });

  it('pins the pnpm the repository pins, and builds with the build the tests run', () => {
    const { packageManager, scripts } = JSON.parse(read('package.json')) as {
      packageManager: string;
      scripts: Record<string, string>;
    };
    expect(
      steps.some((step) => step.args.includes(`install --global --no-audit --no-fund ${packageManager}`)),
    ).toBe(true);
    // `npm run build` is `turbo run build`; the image builds the two deployables of it.
    expect(scripts.build).toContain('turbo run build');
    expect(
      steps.some((step) => /turbo run build --filter=@usersync\/api --filter=@usersync\/web/.test(step.args)),
    ).toBe(true);
    // The web app is compiled with the publishable key the API checks at start.
    expect(steps.some((step) => step.op === 'ARG' && step.args === 'CLERK_PUBLISHABLE_KEY')).toBe(true);
  });

  it('keeps secrets and local state out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['.env', '.data', '**/node_modules', '.toolchain']) expect(ignored).toContain(entry);
  });
});

describe('the API launchers', () => {
  it('every way of starting the production API passes the same node flags (memory, decisions 073 and 130)', () => {
    const scripts = (path: string) => (JSON.parse(read(path)) as { scripts: Record<string, string> }).scripts;
    const flags = API_NODE_FLAGS.join(' ');
    expect(scripts('apps/api/package.json').start).toBe(`node ${flags} dist/server.js`);
    expect(scripts('package.json')['start:api']).toContain(`node ${flags} apps/api/dist/server.js`);
  });
});

describe('compose.yaml', () => {
  const compose = parse(read('compose.yaml')) as {
    services: Record<string, Record<string, unknown>>;
  };

  it('runs usersync on PostgreSQL, started once the database is healthy', () => {
    const { postgres, usersync } = compose.services;
    expect(postgres?.healthcheck).toBeDefined();
    expect(usersync?.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    const environment = usersync?.environment as Record<string, string>;
    const pg = postgres?.environment as Record<string, string>;
    expect(environment.DATABASE_URL).toBe(
      `postgres://${pg.POSTGRES_USER}:${pg.POSTGRES_PASSWORD}@postgres:5432/${pg.POSTGRES_DB}`,
    );
    expect(usersync?.ports).toEqual(['3000:3000']);
  });

  it('passes the production variables the API requires, and the same publishable key to the build', () => {
    const usersync = compose.services.usersync!;
    const environment = usersync.environment as Record<string, string>;
    for (const name of [
      'CLERK_SECRET_KEY',
      'CLERK_PUBLISHABLE_KEY',
      'CLERK_WEBHOOK_SIGNING_SECRET',
      'WEB_ORIGIN',
    ]) {
      expect(environment[name], name).toBeDefined();
    }
    const build = usersync.build as { args: Record<string, string> };
    expect(build.args.CLERK_PUBLISHABLE_KEY).toBe(environment.CLERK_PUBLISHABLE_KEY);
  });
});
