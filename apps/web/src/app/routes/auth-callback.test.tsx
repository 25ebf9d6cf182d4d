import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderApp, sampleProfile } from '../../testing/render-app.tsx';
import { scriptedApiServerPerFile } from '../../testing/scripted-api-server.ts';

const SYNC = 'POST /api/v1/users/sync';
const PROFILE = 'GET /api/v1/users/profile';

const api = scriptedApiServerPerFile();

const created = { status: 201, body: { status: 'created', profile: sampleProfile() } };
const profileOk = { status: 200, body: sampleProfile() };

describe('/auth/callback', () => {
  it('shows progress, syncs once with the session token, then opens the requested page', async () => {
    api.reply(SYNC, { ...created, delayMs: 150 });
    api.reply(PROFILE, profileOk);
    const { router, tokens } = renderApp('/auth/callback?redirect_to=%2Fdashboard%3Ftab%3Dprofile', {
      apiUrl: api.url,
    });

    const status = await screen.findByRole('status');
    expect(status).toHaveTextContent('Setting up your account…');
    expect(await screen.findByRole('heading', { name: 'Welcome back, Ada' })).toBeVisible();
    expect(router.state.location.pathname).toBe('/dashboard');
    expect(router.state.location.search).toBe('?tab=profile');

    const syncs = api.requestsTo(SYNC);
    expect(syncs).toHaveLength(1);
    expect(syncs[0]!.authorization).toBe(`Bearer ${tokens[0]}`);
  });

  it('retries transient failures with backoff, honouring Retry-After, then succeeds', async () => {
    api.reply(
      SYNC,
      { status: 503, body: { error: 'Clerk is unreachable' }, headers: { 'retry-after': '1' } },
      { status: 500, body: { error: 'boom' } },
      { ...created, delayMs: 300 },
    );
    api.reply(PROFILE, profileOk);
    const { router } = renderApp('/auth/callback', {
      apiUrl: api.url,
      syncRetryPolicy: { attempts: 4, baseDelayMs: 50, maxDelayMs: 5000 },
    });

    expect(
      await screen.findByText(/trying again \(attempt 3 of 4\)/, undefined, { timeout: 3000 }),
    ).toBeVisible();
    expect(
      await screen.findByRole('heading', { name: 'Welcome back, Ada' }, { timeout: 3000 }),
    ).toBeVisible();
    expect(router.state.location.pathname).toBe('/dashboard');

    const syncs = api.requestsTo(SYNC);
    expect(syncs).toHaveLength(3);
    // Retry-After: 1 was waited for, not the 50 ms backoff.
    expect(syncs[1]!.at - syncs[0]!.at).toBeGreaterThanOrEqual(900);
    // Each attempt asks Clerk for a fresh token.
    expect(new Set(syncs.map((r) => r.authorization)).size).toBe(3);
  });

  it('stops after the last attempt with an actionable error; "Try again" starts over once', async () => {
    api.reply(SYNC, { status: 503, body: { error: 'Service unavailable' }, headers: { 'retry-after': '0' } });
    const { router } = renderApp('/auth/callback', { apiUrl: api.url });

    const heading = await screen.findByRole('heading', { name: 'usersync is temporarily unavailable' });
    expect(screen.getByRole('alert')).toHaveTextContent('We tried 4 times.');
    expect(heading).toHaveFocus();
    expect(api.requestsTo(SYNC)).toHaveLength(4);
    // It never loops on its own.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(api.requestsTo(SYNC)).toHaveLength(4);
    expect(router.state.location.pathname).toBe('/auth/callback');

    api.reply(SYNC, created);
    api.reply(PROFILE, profileOk);
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { name: 'Welcome back, Ada' })).toBeVisible();
    expect(api.requestsTo(SYNC)).toHaveLength(5);
  });

  it('explains a network failure the same way, with "Try again"', async () => {
    const { router } = renderApp('/auth/callback', { apiUrl: 'http://127.0.0.1:9' });
    expect(await screen.findByRole('heading', { name: 'We couldn’t reach usersync' })).toBeVisible();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeEnabled();
    expect(router.state.location.pathname).toBe('/auth/callback');
  });

  it('410: says the account was deleted, does not retry, offers sign-out', async () => {
    api.reply(SYNC, { status: 410, body: { error: 'This account was deleted', code: 'user_deleted' } });
    const { router } = renderApp('/auth/callback', { apiUrl: api.url });

    expect(await screen.findByRole('heading', { name: 'This account has been deleted' })).toHaveFocus();
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(api.requestsTo(SYNC)).toHaveLength(1);

    await userEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/'));
    expect(await screen.findByRole('heading', { name: /always in step with Clerk/ })).toBeVisible();
  });

  it('401: says the session ended and offers to sign in again, without retrying', async () => {
    api.reply(SYNC, { status: 401, body: { error: 'Invalid session' } });
    const { router } = renderApp('/auth/callback?redirect_to=%2Fdashboard', { apiUrl: api.url });

    expect(await screen.findByRole('heading', { name: 'Your session has ended' })).toBeVisible();
    expect(api.requestsTo(SYNC)).toHaveLength(1);
    await userEvent.click(screen.getByRole('button', { name: 'Sign in again' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/sign-in'));
    expect(router.state.location.search).toBe('?redirect_to=%2Fdashboard');
  });

  it('signed out: goes to sign-in keeping the requested page, and comes back through the sync', async () => {
    api.reply(SYNC, created);
    api.reply(PROFILE, profileOk);
    const { router } = renderApp('/auth/callback?redirect_to=%2Fdashboard%3Ffrom%3Demail', {
      apiUrl: api.url,
      signedIn: false,
    });

    const continueButton = await screen.findByRole('button', { name: 'Continue as ada@example.com' });
    expect(router.state.location.pathname).toBe('/sign-in');
    expect(api.requests).toHaveLength(0);

    await userEvent.click(continueButton);
    expect(await screen.findByRole('heading', { name: 'Welcome back, Ada' })).toBeVisible();
    expect(router.state.location.pathname + router.state.location.search).toBe('/dashboard?from=email');
    expect(api.requestsTo(SYNC)).toHaveLength(1);
  });

  it.each(['//evil.com/dashboard', 'https://evil.com/', '/\\evil.com', 'javascript:alert(1)'])(
    'ignores an unsafe redirect (%s) and opens the dashboard',
    async (unsafe) => {
      api.reply(SYNC, created);
      api.reply(PROFILE, profileOk);
      const { router } = renderApp(`/auth/callback?redirect_to=${encodeURIComponent(unsafe)}`, {
        apiUrl: api.url,
      });
      expect(await screen.findByRole('heading', { name: 'Welcome back, Ada' })).toBeVisible();
      expect(router.state.location.pathname).toBe('/dashboard');
    },
  );
});
