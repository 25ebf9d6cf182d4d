// Web: the SPA's initial JavaScript (gzip, from the production build's own report) and the time from
// opening /auth/callback to the dashboard being shown, in headless Chromium, against the production API
// build serving the e2e build of the SPA (the real @clerk/react with an in-page Clerk stand-in whose
// session tokens are signed locally; apps/web/e2e).
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { sampleClerkUser } from '@usersync/core/internal';
import { createClerkSessionSigner, testClerkKeys } from '@usersync/testing/clerk';
import { CHROMIUM_PATH, launchChromium, startApiProcess } from '@usersync/testing/processes';
import { buildE2eSpa } from '@usersync/web/e2e-build';
import type { Browser } from 'playwright-core';
import type { BenchContext } from '../bench-context.ts';
import { fakeClerkUserId, startFakeClerkProcess } from '../clerk-stand-in/fake-clerk-process.ts';
import { createMigratedDatabase } from '../databases.ts';
import { REPO_ROOT, scratchDir } from '../paths.ts';
import type { BenchResult } from '../results.ts';
import { markdownTable, summarizeLatencies } from '../stats.ts';

interface InitialJs {
  totalGzipKiB: number;
  files: Array<{ file: string; gzipKiB: number }>;
}

/** Runs the web production build and reads its initial-JS report (printed by vite-plugins/). */
export function initialJsFromBuild(): InitialJs {
  const output = execFileSync('pnpm', ['--filter', '@usersync/web', 'build'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const total = /total gzip ([\d.]+) KB/.exec(output);
  if (!total) throw new Error(`no initial-JS report in the web build's output:\n${output}`);
  const files = [...output.matchAll(/^\s+(\S.*?)\s+[\d.]+ KB\s+gzip\s+([\d.]+) KB$/gm)].map((m) => ({
    file: (m[1] as string).trim(),
    gzipKiB: Number(m[2]),
  }));
  return { totalGzipKiB: Number(total[1]), files };
}

export async function benchWeb(ctx: BenchContext): Promise<BenchResult> {
  const initialJs = initialJsFromBuild();
  const runs = ctx.quick ? 3 : 12;
  const keys = testClerkKeys();
  const signer = createClerkSessionSigner();
  const clerk = await startFakeClerkProcess({ users: runs * 2 + 2, idPrefix: 'user_web' });
  const databaseUrl = await createMigratedDatabase(ctx.postgres.url, 'bench_web');
  const webDist = await buildE2eSpa({ publishableKey: keys.publishableKey });
  let browser: Browser | null = null;
  const firstSignIn: number[] = [];
  const returning: number[] = [];
  let skipped: string | null = null;
  const api = await startApiProcess({
    logDir: scratchDir(),
    name: 'bench-web',
    env: {
      DATABASE_URL: databaseUrl,
      WEB_DIST_DIR: webDist,
      CLERK_SECRET_KEY: clerk.secretKey,
      CLERK_PUBLISHABLE_KEY: keys.publishableKey,
      CLERK_JWT_KEY: signer.publicKeyPem,
      CLERK_API_URL: clerk.url,
      CLERK_WEBHOOK_SIGNING_SECRET: 'whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0',
      RATE_LIMIT_PER_MINUTE: '100000',
    },
    originAsWebOrigin: true,
  });
  try {
    browser = await launchChromium();
    // Run 0 warms the API, the browser and the caches; it is not counted.
    for (let i = 0; i <= runs; i++) {
      const userId = fakeClerkUserId('user_web', i);
      const first = await timeCallbackToDashboard(browser, api.url, userId, signer);
      const again = await timeCallbackToDashboard(browser, api.url, userId, signer);
      if (i > 0) {
        firstSignIn.push(first);
        returning.push(again);
      }
    }
  } catch (error) {
    if (!(error as Error).message.includes(CHROMIUM_PATH)) throw error;
    skipped = (error as Error).message;
  } finally {
    await browser?.close();
    await api.stop();
    await clerk.stop();
    rmSync(webDist, { recursive: true, force: true });
  }
  const first = summarizeLatencies(firstSignIn);
  const back = summarizeLatencies(returning);
  const lines = [
    `Initial JavaScript (entry chunk + its static imports + the pre-paint theme script, gzip -9; Clerk's own`,
    `clerk-js, loaded from Clerk's CDN at run time, is not included): **${initialJs.totalGzipKiB} KB**.`,
    '',
    markdownTable(
      ['file', 'gzip KB'],
      initialJs.files.map((f) => [f.file, f.gzipKiB]),
    ),
    '',
  ];
  if (skipped) {
    lines.push(`Callback to dashboard: not measured (${skipped}).`);
  } else {
    lines.push(
      'Time from `page.goto(/auth/callback)` to the dashboard heading being visible, headless Chromium,',
      'signed in through the in-page Clerk stand-in, API and SPA on 127.0.0.1 (production builds), Backend',
      `API stand-in with no added latency; ${runs} runs after one warm-up, each a new browser context:`,
      '',
      markdownTable(
        ['case', 'runs', 'p50 ms', 'min ms', 'max ms'],
        [
          [
            'first sign-in (API reads Clerk, creates the row)',
            first.count,
            first.p50,
            Math.min(...firstSignIn),
            first.max,
          ],
          ['returning user (row exists)', back.count, back.p50, Math.min(...returning), back.max],
        ],
      ),
    );
  }
  return {
    name: 'web',
    title: 'Web',
    machine: ctx.machine,
    markdown: lines.join('\n'),
    data: { initialJs, firstSignInMs: firstSignIn, returningMs: returning, skipped },
  };
}

/** Opens /auth/callback signed in as `userId` and waits for the dashboard; returns the elapsed ms. */
async function timeCallbackToDashboard(
  browser: Browser,
  origin: string,
  userId: string,
  signer: ReturnType<typeof createClerkSessionSigner>,
): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 820 } });
  try {
    // Offline: only the app's origin; Clerk's image CDN answers nothing.
    await context.route('**/*', (route) =>
      route.request().url().startsWith(origin) ? route.continue() : route.abort(),
    );
    const page = await context.newPage();
    await page.exposeFunction('usersyncSignSessionToken', () => signer.sign({ userId, azp: origin }));
    const user = sampleClerkUser({ id: userId });
    await page.addInitScript(
      (testUser) => {
        const w = globalThis as unknown as Record<string, unknown> & {
          usersyncSignSessionToken: () => Promise<string>;
        };
        w.__USERSYNC_TEST_CLERK__ = {
          user: testUser,
          signedIn: true,
          getToken: () => w.usersyncSignSessionToken(),
          onSessionChange: () => {},
        };
      },
      {
        id: userId,
        firstName: user.first_name,
        lastName: user.last_name,
        email: `${userId}@example.com`,
        imageUrl: null,
      },
    );
    const started = performance.now();
    await page.goto(`${origin}/auth/callback`);
    await page.getByRole('heading', { name: /Welcome/ }).waitFor({ timeout: 30_000 });
    const elapsed = performance.now() - started;
    if (new URL(page.url()).pathname !== '/dashboard') throw new Error(`ended on ${page.url()}`);
    return Math.round(elapsed * 10) / 10;
  } finally {
    await context.close();
  }
}
