// The repository-root lookup is configuration's (relative paths, `.env`): packages/config/src/repo-root.ts.
export { findRepoRoot } from '@usersync/config';
