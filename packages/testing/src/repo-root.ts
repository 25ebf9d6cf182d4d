import { findRepoRoot } from '@usersync/core/internal';

/** The checkout this test kit belongs to: where the API's build and the CLI's binary are. */
export const REPO_ROOT: string =
  findRepoRoot(import.meta.dirname) ??
  (() => {
    throw new Error('the test kit runs from a checkout of the repository (no pnpm-workspace.yaml above it)');
  })();
