import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot } from '@usersync/core/repo-root';
import { describe, expect, it } from 'vitest';
import { ENV_VARIABLES } from './env-variables.ts';

// turbo runs tasks in strict env mode: a variable missing from a task's `env` list is invisible to it,
// so `pnpm dev` would silently run on defaults (DATABASE_POOL_SIZE was missing once).

const turbo = JSON.parse(readFileSync(join(findRepoRoot(import.meta.dirname)!, 'turbo.json'), 'utf8')) as {
  globalEnv?: string[];
  tasks: Record<string, { env?: string[] }>;
};

function passes(list: readonly string[], name: string): boolean {
  return list.some((entry) => (entry.endsWith('*') ? name.startsWith(entry.slice(0, -1)) : entry === name));
}

describe("turbo.json's env lists", () => {
  it.each(['dev'])('the %s task lists every variable the configuration reads', (task) => {
    const list = [...(turbo.globalEnv ?? []), ...(turbo.tasks[task]?.env ?? [])];
    const missing = Object.keys(ENV_VARIABLES).filter((name) => !passes(list, name));
    expect(missing).toEqual([]);
  });

  it('lists nothing the configuration does not read (besides the SPA build, NODE_ENV and test knobs)', () => {
    const known = new Set([...Object.keys(ENV_VARIABLES), 'NODE_ENV', 'CI', 'API_URL']);
    const stray = (turbo.tasks.dev?.env ?? []).filter((entry) => !entry.endsWith('*') && !known.has(entry));
    expect(stray).toEqual([]);
  });
});
