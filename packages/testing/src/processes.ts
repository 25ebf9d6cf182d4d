// `@usersync/testing/processes`: real processes on loopback (the API's production build, the CLI
// binary, headless Chromium) and free ports for them.
export { freePort } from '@usersync/core/testing';
export * from './api-process.ts';
export * from './chromium.ts';
export * from './cli-process.ts';
