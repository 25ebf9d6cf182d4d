import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

// examples/own-backend's own test (src/app.test.ts) runs in this package's vitest; this checks that its
// code type-checks against the installed tarball's declarations, as a reader's editor would.
it('examples/own-backend type-checks against the packed @usersync/core', async () => {
  const example = join(import.meta.dirname, '../../../examples/own-backend');
  const tsc = join(example, 'node_modules/typescript/bin/tsc');
  const result = await promisify(execFile)(process.execPath, [tsc, '-p', example]).catch(
    (error: { stdout?: string }) => ({ stdout: error.stdout ?? String(error) }),
  );
  expect(result.stdout).toBe('');
}, 180_000);
