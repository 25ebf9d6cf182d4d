import { createFakeClerk, type FakeClerkOptions } from './fake-clerk.ts';

declare global {
  interface Window {
    /** Set by the e2e test's init script before the app starts; read only by the `--mode e2e` build. */
    __USERSYNC_TEST_CLERK__?: FakeClerkOptions;
  }
}

/** The explicit test hook: a fake Clerk instance built from what the e2e test put on the window. */
export function testClerkFromWindow() {
  const options = window.__USERSYNC_TEST_CLERK__;
  if (!options) {
    throw new Error('This is an e2e test build: window.__USERSYNC_TEST_CLERK__ must be set before it loads.');
  }
  return createFakeClerk(options);
}
