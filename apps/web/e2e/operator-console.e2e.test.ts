import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sampleClerkEvent, sampleClerkUser } from '@usersync/core/internal';
import {
  createClerkSessionSigner,
  type FakeClerkBackendApi,
  startFakeClerkBackendApi,
  testClerkKeys,
} from '@usersync/testing/clerk';
import { openTestDatabase, type TestDatabase } from '@usersync/testing/database';
import { launchChromium } from '@usersync/testing/processes';
import { signSvixDelivery, testWebhookSecret } from '@usersync/testing/svix';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildE2eSpa } from './support/build-e2e-spa.ts';
import { openTestClerkPage } from './support/open-test-clerk-page.ts';
import { type RunningApi, startApiServer } from './support/start-api-server.ts';

/**
 * The operator console in Chromium against the real API (production build) and PostgreSQL: an admin
 * (made admin by ADMIN_EMAILS on first sign-in) sees a failed delivery on the overview, replays it,
 * changes a user's role (written to the database and to the Clerk stand-in's public_metadata), and
 * finds both in the audit. Screenshots of each page go to test-results/screenshots (docs/screenshots).
 */

const SCREENSHOTS = fileURLToPath(new URL('../test-results/screenshots/', import.meta.url));
const keys = testClerkKeys();
const signer = createClerkSessionSigner();
const webhookSecret = testWebhookSecret();
const ada = sampleClerkUser({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' });
const bob = sampleClerkUser({ firstName: 'Bob', lastName: 'Builder', email: 'bob@example.com' });
const cleo = sampleClerkUser({ firstName: 'Cleo', lastName: 'Patra', email: 'cleo@example.com' });

let database: TestDatabase;
let clerkBackend: FakeClerkBackendApi;
let webDist: string;
let api: RunningApi;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  [database, clerkBackend, webDist, browser] = await Promise.all([
    openTestDatabase('postgres'),
    startFakeClerkBackendApi({ secretKey: keys.secretKey }),
    buildE2eSpa({ publishableKey: keys.publishableKey }),
    launchChromium(),
  ]);
  for (const user of [ada, bob, cleo]) clerkBackend.users.set(user.id as string, user);
  api = await startApiServer({
    DATABASE_URL: database.url!,
    WEB_DIST_DIR: webDist,
    CLERK_SECRET_KEY: keys.secretKey,
    CLERK_PUBLISHABLE_KEY: keys.publishableKey,
    CLERK_JWT_KEY: signer.publicKeyPem,
    CLERK_API_URL: clerkBackend.url,
    CLERK_WEBHOOK_SIGNING_SECRET: webhookSecret,
    ADMIN_EMAILS: 'ada@example.com',
  });
  // Bob arrives by webhook, as Clerk would send him.
  const body = JSON.stringify(sampleClerkEvent('user.created', bob));
  const delivered = await fetch(`${api.origin}/api/webhooks/clerk`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...signSvixDelivery(webhookSecret, body, { svixId: 'msg_bob_created' }),
    },
    body,
  });
  expect(delivered.status).toBe(200);
  // Cleo's user.created failed on our side earlier (seeded: a failed delivery whose payload was kept).
  await database.db
    .insertInto('webhook_events')
    .values({
      svix_id: 'msg_cleo_created',
      type: 'user.created',
      clerk_user_id: cleo.id as string,
      status: 'failed',
      error: 'connection terminated: the database restarted',
      payload: JSON.stringify(sampleClerkEvent('user.created', cleo)),
      processed_at: new Date(),
    })
    .execute();
});

afterAll(async () => {
  await browser?.close();
  await api?.stop();
  await clerkBackend?.close();
  await database?.close();
  if (webDist) rmSync(webDist, { recursive: true, force: true });
});

async function shot(page: Page, name: string) {
  await page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });
}

describe('operator console, in Chromium against the real API', () => {
  it('an admin replays a failed delivery, changes a role, and the audit shows both', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 860 },
      colorScheme: 'light',
    });
    await context.route('**/*', (route) =>
      route.request().url().startsWith(api.origin) ? route.continue() : route.abort(),
    );
    const { page, problems } = await openTestClerkPage(context, {
      user: {
        id: ada.id as string,
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'ada@example.com',
        imageUrl: null,
      },
      signSessionToken: () => signer.sign({ userId: ada.id as string, azp: api.origin }),
    });

    // Sign in, asking for the console: the first sync creates Ada's row, ADMIN_EMAILS makes her admin.
    await page.goto(`${api.origin}/admin`);
    await page.getByRole('button', { name: 'Continue as ada@example.com' }).click();
    const attention = page.getByRole('region', { name: 'Needs attention' });
    await attention.waitFor({ timeout: 20_000 });
    expect(new URL(page.url()).pathname).toBe('/admin');
    expect(await attention.textContent()).toContain('1 delivery failed and not recovered');
    expect(await attention.textContent()).toContain('Recover failed messages');
    await shot(page, 'admin-overview.png');

    // Replay it from the drawer.
    await attention.getByRole('link', { name: 'msg_cleo_created' }).click();
    const drawer = page.getByRole('dialog', { name: 'Delivery msg_cleo_created' });
    await drawer.getByRole('region', { name: 'Payload' }).waitFor();
    await shot(page, 'admin-delivery.png');
    await drawer.getByRole('button', { name: 'Replay' }).click();
    await expect.poll(() => drawer.getByRole('status').textContent()).toContain('Replayed: applied');
    const cleoRow = await database.db
      .selectFrom('users')
      .select('email')
      .where('clerk_id', '=', cleo.id as string)
      .executeTakeFirst();
    expect(cleoRow).toEqual({ email: 'cleo@example.com' });
    await page.keyboard.press('Escape');

    // Make Bob an admin: the database and Clerk's public_metadata.
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('link', { name: 'Bob Builder' }).click();
    await page.getByRole('button', { name: 'Change role' }).click();
    const dialog = page.getByRole('dialog', { name: 'Change the role of Bob Builder' });
    await dialog.getByLabel('Role').selectOption('admin');
    await dialog.getByRole('button', { name: 'Continue' }).click();
    await dialog.getByRole('button', { name: 'Make admin' }).click();
    await page.getByText('Role changed.').waitFor();
    const bobRow = await database.db
      .selectFrom('users')
      .select('role')
      .where('clerk_id', '=', bob.id as string)
      .executeTakeFirstOrThrow();
    expect(bobRow.role).toBe('admin');
    expect(clerkBackend.users.get(bob.id as string)!.public_metadata).toMatchObject({ role: 'admin' });
    await shot(page, 'admin-user.png');

    // The audit shows both actions (and ADMIN_EMAILS' promotion of Ada).
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Audit' }).click();
    const audit = page.getByRole('region', { name: 'Admin actions' });
    await expect.poll(() => audit.textContent()).toContain('role: member → role: admin');
    const text = (await audit.textContent()) ?? '';
    expect(text).toContain('webhook_event.replayed');
    expect(text).toContain('system:ADMIN_EMAILS');
    await shot(page, 'admin-audit.png');

    // Deliveries list, the overview in dark, and the users page on a phone.
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Deliveries' }).click();
    await page.getByRole('region', { name: 'Deliveries' }).waitFor();
    await shot(page, 'admin-deliveries.png');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('region', { name: 'Needs attention' }).waitFor();
    expect(await page.getByRole('region', { name: 'Needs attention' }).textContent()).toContain(
      'Nothing needs attention',
    );
    await shot(page, 'admin-overview-dark.png');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('link', { name: 'Bob Builder' }).waitFor();
    await shot(page, 'admin-users-phone.png');

    expect(problems).toEqual([]);
    await context.close();
  });
});
