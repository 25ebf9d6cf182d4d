import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  sampleClerkOrganization,
  sampleClerkOrganizationMembership,
  sampleClerkUser,
} from '@usersync/core/internal';
import {
  createClerkSessionSigner,
  type FakeClerkBackendApi,
  startFakeClerkBackendApi,
  testClerkKeys,
} from '@usersync/testing/clerk';
import { openTestDatabase, type TestDatabase } from '@usersync/testing/database';
import { launchChromium } from '@usersync/testing/processes';
import { testWebhookSecret } from '@usersync/testing/svix';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildE2eSpa } from './support/build-e2e-spa.ts';
import { openTestClerkPage } from './support/open-test-clerk-page.ts';
import { type RunningApi, startApiServer } from './support/start-api-server.ts';

/**
 * The whole path in a real browser, offline: the e2e build of the SPA, served by the real API
 * (production build, NODE_ENV=production) on a real PostgreSQL database. The real @clerk/react SDK runs
 * with an in-page Clerk instance whose session tokens are signed locally and verified by the API with
 * CLERK_JWT_KEY; the API reads the user from a local stand-in for Clerk's Backend API.
 *
 * signed out → /dashboard → sign-in → callback → POST /users/sync (row created, and the session's active
 * organization read from Clerk) → dashboard shows the profile and the organization → theme changed (PATCH) → reload keeps it, painted before the app's JavaScript runs.
 */

const SCREENSHOTS = fileURLToPath(new URL('../test-results/screenshots/', import.meta.url));
const keys = testClerkKeys();
const signer = createClerkSessionSigner();
const clerkUser = sampleClerkUser({
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.com',
  imageUrl: 'https://img.clerk.com/usersync-e2e-avatar.svg',
});
const userId = clerkUser.id as string;
// Ada is an admin of one organization in Clerk; her session token names it as the active one, so the
// sync reads it (and her membership) from the Backend API stand-in.
const organization = sampleClerkOrganization({ name: 'Analytical Engines', slug: 'analytical-engines' });
const membership = sampleClerkOrganizationMembership({ organization, userId, role: 'org:admin' });
const activeOrganization = { v: 2, o: { id: organization.id, rol: 'admin', slg: 'analytical-engines' } };

let database: TestDatabase;
let clerkBackend: FakeClerkBackendApi;
let webDist: string;
let api: RunningApi;
let browser: Browser;

beforeAll(async () => {
  // Not emptied first: the console's e2e writes its screenshots here too, possibly at the same time.
  mkdirSync(SCREENSHOTS, { recursive: true });
  [database, clerkBackend, webDist, browser] = await Promise.all([
    openTestDatabase('postgres'),
    // Slow enough to see the callback's progress state, as a real first sign-in would be.
    startFakeClerkBackendApi({ secretKey: keys.secretKey, latencyMs: 1200 }),
    buildE2eSpa({ publishableKey: keys.publishableKey }),
    launchChromium(),
  ]);
  clerkBackend.users.set(userId, clerkUser);
  clerkBackend.organizations.set(organization.id as string, organization);
  clerkBackend.memberships.set(membership.id as string, membership);
  api = await startApiServer({
    DATABASE_URL: database.url!,
    WEB_DIST_DIR: webDist,
    CLERK_SECRET_KEY: keys.secretKey,
    CLERK_PUBLISHABLE_KEY: keys.publishableKey,
    CLERK_JWT_KEY: signer.publicKeyPem,
    CLERK_API_URL: clerkBackend.url,
    CLERK_WEBHOOK_SIGNING_SECRET: testWebhookSecret(),
  });
});

afterAll(async () => {
  await browser?.close();
  await api?.stop();
  await clerkBackend?.close();
  await database?.close();
  if (webDist) rmSync(webDist, { recursive: true, force: true });
});

/** A page with the in-page Clerk stand-in, signed in as Ada with tokens for `origin`. */
function openPage(context: BrowserContext, origin: string) {
  return openTestClerkPage(context, {
    user: {
      id: userId,
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      imageUrl: 'https://img.clerk.com/usersync-e2e-avatar.svg',
    },
    signSessionToken: () => signer.sign({ userId, azp: origin, extra: activeOrganization }),
  });
}

describe('sign-in to dashboard, in Chromium against the real API', () => {
  it('syncs on first sign-in, shows the profile, and keeps the chosen theme across reloads', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 820 },
      colorScheme: 'light',
    });
    // Offline: only the app's origin, plus a stand-in avatar for Clerk's image CDN.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(api.origin)) return route.continue();
      if (url.startsWith('https://img.clerk.com/')) {
        return route.fulfill({ contentType: 'image/svg+xml', body: AVATAR_SVG });
      }
      return route.abort();
    });
    const { page, problems } = await openPage(context, api.origin);

    // Signed out, asking for the dashboard: sent to sign-in, with the page kept.
    await page.goto(`${api.origin}/dashboard`);
    await page.waitForURL(`${api.origin}/sign-in?redirect_to=%2Fdashboard`);
    await page.getByRole('button', { name: 'Continue as ada@example.com' }).click();

    // The callback: progress while the API reads the user from Clerk and creates the row.
    await page.waitForURL((url) => url.pathname === '/auth/callback');
    await expect
      .poll(() => page.getByRole('heading', { name: 'Setting up your account…' }).isVisible())
      .toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'callback.png') });

    const heading = page.getByRole('heading', { name: 'Welcome back, Ada' });
    await heading.waitFor({ timeout: 20_000 });
    expect(new URL(page.url()).pathname).toBe('/dashboard');

    const row = await database.db
      .selectFrom('users')
      .innerJoin('user_settings', 'user_settings.user_id', 'users.id')
      .select(['users.email', 'users.first_name', 'users.role', 'user_settings.theme'])
      .where('users.clerk_id', '=', userId)
      .executeTakeFirst();
    expect(row).toEqual({ email: 'ada@example.com', first_name: 'Ada', role: 'member', theme: 'system' });
    expect(clerkBackend.requests).toContain(`GET /v1/users/${userId}`);

    const card = page.getByRole('region', { name: 'Ada Lovelace' });
    await expect.poll(() => card.textContent()).toContain('ada@example.com');
    expect(await card.textContent()).toContain('Verified');
    expect(await card.textContent()).toContain('member');
    await expect
      .poll(() => card.locator('img.avatar').evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBeGreaterThan(0);
    // The session's active organization, read from Clerk by the sync, with Ada's role.
    const organizations = page.getByRole('region', { name: 'Organizations' });
    await expect.poll(() => organizations.textContent()).toContain('Analytical Engines');
    expect(await organizations.textContent()).toContain('admin');
    expect(clerkBackend.requests).toContain(`GET /v1/organizations/${organization.id}`);
    const stored = await database.db
      .selectFrom('organization_memberships')
      .select(['role', 'clerk_organization_id'])
      .where('clerk_user_id', '=', userId)
      .execute();
    expect(stored).toEqual([{ role: 'org:admin', clerk_organization_id: organization.id }]);
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard.png'), fullPage: true });

    // Theme: applied at once, saved with PATCH.
    await page.getByRole('radio', { name: /Dark/ }).check();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.getByText('Saved', { exact: true }).waitFor();
    const saved = await database.db
      .selectFrom('user_settings')
      .innerJoin('users', 'users.id', 'user_settings.user_id')
      .select('user_settings.theme')
      .where('users.clerk_id', '=', userId)
      .executeTakeFirstOrThrow();
    expect(saved.theme).toBe('dark');

    // Reload with the app's JavaScript held back: the saved theme is already painted.
    let releaseEntry: () => void = () => {};
    const entryHeld = new Promise<void>((resolve) => {
      releaseEntry = resolve;
    });
    await page.route(/\/assets\/index-[^/]+\.js$/, async (route) => {
      await entryHeld;
      await route.continue();
    });
    await page.reload({ waitUntil: 'commit' });
    await page.waitForFunction(() => document.documentElement.dataset.theme !== undefined);
    const beforeApp = await page.evaluate(() => ({
      theme: document.documentElement.dataset.theme,
      rendered: (document.getElementById('root')?.childElementCount ?? 0) > 0,
      background: getComputedStyle(document.body).backgroundColor,
    }));
    expect(beforeApp).toMatchObject({ theme: 'dark', rendered: false });
    releaseEntry();
    await page.getByRole('heading', { name: 'Welcome back, Ada' }).waitFor();
    expect(await page.getByRole('radio', { name: /Dark/ }).isChecked()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.getByRole('region', { name: 'Ada Lovelace' }).locator('img.avatar').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-dark.png'), fullPage: true });

    // The same page on a phone.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-phone.png'), fullPage: true });

    expect(problems).toEqual([]);
    await context.close();
  });
});

const AVATAR_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#818cf8"/><stop offset="1" stop-color="#22d3ee"/></linearGradient></defs><rect width="96" height="96" fill="url(#g)"/><circle cx="48" cy="38" r="16" fill="#fff" fill-opacity=".9"/><path d="M18 90c4-18 16-26 30-26s26 8 30 26" fill="#fff" fill-opacity=".9"/></svg>`;
