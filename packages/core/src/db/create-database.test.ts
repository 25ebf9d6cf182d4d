import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDatabase, EmbeddedDatabaseInUseError, resolveDataDir } from './create-database.ts';

describe('embedded database on disk', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'usersync-pglite-'));
    dirs.push(dir);
    return join(dir, 'data');
  };

  it('refuses a second open while a live process holds it, and frees it on close', async () => {
    const dataDir = tempDir();
    // Another live process owns the lock (a child that just sleeps).
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeFileSync(`${dataDir}.lock`, String(child.pid));
      expect(() => createDatabase({ kind: 'pglite', dataDir })).toThrow(EmbeddedDatabaseInUseError);
      expect(() => createDatabase({ kind: 'pglite', dataDir })).toThrow(`pid ${child.pid}`);
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((resolve) => child.once('exit', resolve));
    // The owner is gone: its lock is stale and taken over.
    const handle = createDatabase({ kind: 'pglite', dataDir });
    await handle.db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
    await handle.close();
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
  });

  it('resolves a relative DATA_DIR against the repository root, whatever the working directory', () => {
    const fromRoot = resolveDataDir('tmp/db', join(import.meta.dirname, '../../../..'));
    const fromPackage = resolveDataDir('tmp/db', import.meta.dirname);
    expect(fromPackage).toBe(fromRoot);
    expect(resolveDataDir(undefined, import.meta.dirname)).toMatch(/\.data\/pglite$/);
    expect(resolveDataDir('/abs/dir', import.meta.dirname)).toBe('/abs/dir');
  });
});
