import type { BrowserContext, Page } from 'playwright-core';
import type { FakeClerkOptions } from '../../src/testing/fake-clerk.ts';

/**
 * A page whose Clerk instance is the in-page stand-in (the e2e build reads it from
 * window.__USERSYNC_TEST_CLERK__), with session tokens signed in the test for `azp` = the app's origin.
 * The session survives reloads like Clerk's cookie would. `problems` collects console errors and
 * warnings and page errors, for the test to assert empty.
 */
export async function openTestClerkPage(
  context: BrowserContext,
  options: { user: FakeClerkOptions['user']; signSessionToken: () => string },
): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      problems.push(`console.${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.exposeFunction('usersyncSignSessionToken', options.signSessionToken);
  await page.addInitScript((testUser) => {
    const w = window as unknown as Window & { usersyncSignSessionToken: () => Promise<string> };
    w.__USERSYNC_TEST_CLERK__ = {
      user: testUser,
      signedIn: sessionStorage.getItem('usersync-e2e-signed-in') === '1',
      getToken: () => w.usersyncSignSessionToken(),
      onSessionChange: (signedIn) => sessionStorage.setItem('usersync-e2e-signed-in', signedIn ? '1' : '0'),
    };
  }, options.user);
  return { page, problems };
}
