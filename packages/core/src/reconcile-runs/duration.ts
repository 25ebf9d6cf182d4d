// Durations are configuration syntax (RECONCILE_SCHEDULE, `--since`): packages/config/src/duration.ts.
export { formatDuration, parseDuration } from '@usersync/config';
