import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach, beforeEach, vi } from 'vitest';
import { consoleErrors } from './console-errors.ts';

// The first render of a test file compiles the lazy route modules on demand: allow for it.
configure({ asyncUtilTimeout: 5000 });

// Any React warning or error logged during a test is a failure (epic-stack habit).
beforeEach(() => {
  consoleErrors.length = 0;
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    consoleErrors.push(args);
  });
  localStorage.clear();
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  if (consoleErrors.length > 0) {
    throw new Error(
      `console.error was called during the test:\n${consoleErrors.map((a) => a.join(' ')).join('\n')}`,
    );
  }
});
