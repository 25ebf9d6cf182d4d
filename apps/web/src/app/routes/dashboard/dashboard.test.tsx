import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { THEME_STORAGE_KEY } from '../../../lib/theme.ts';
import { renderApp, sampleProfile } from '../../../testing/render-app.tsx';
import { scriptedApiServerPerFile } from '../../../testing/scripted-api-server.ts';

const SYNC = 'POST /api/v1/users/sync';
const PROFILE = 'GET /api/v1/users/profile';
const PATCH = 'PATCH /api/v1/users/profile';

const api = scriptedApiServerPerFile();
afterEach(() => {
  delete document.documentElement.dataset.theme;
});

describe('/dashboard', () => {
  it('sends signed-out visitors to sign-in, keeping the page they asked for', async () => {
    const { router } = renderApp('/dashboard?tab=profile', { apiUrl: api.url, signedIn: false });
    expect(await screen.findByRole('button', { name: 'Continue as ada@example.com' })).toBeVisible();
    expect(router.state.location.pathname).toBe('/sign-in');
    expect(new URLSearchParams(router.state.location.search).get('redirect_to')).toBe(
      '/dashboard?tab=profile',
    );
    expect(api.requests).toHaveLength(0);
  });

  it('offers no "Sign out" while Clerk is still loading for a signed-out visitor', async () => {
    const { router } = renderApp('/dashboard', { apiUrl: api.url, signedIn: false, clerkLoadDelayMs: 300 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(router.state.location.pathname).toBe('/dashboard'); // still loading
    expect(screen.queryByRole('button', { name: 'Sign out' })).toBeNull();
    await waitFor(() => expect(router.state.location.pathname).toBe('/sign-in'));
  });

  it('shows the profile card from GET /users/profile', async () => {
    api.reply(PROFILE, {
      status: 200,
      body: sampleProfile({ role: 'admin', username: 'ada', memberSince: '2025-03-14T12:00:00.000Z' }),
    });
    const { tokens } = renderApp('/dashboard', { apiUrl: api.url });

    const card = await screen.findByRole('region', { name: 'Ada Lovelace' });
    expect(within(card).getByText('ada@example.com')).toBeVisible();
    expect(within(card).getByText('Verified')).toBeVisible();
    expect(within(card).getByText('admin')).toBeVisible();
    expect(within(card).getByText('@ada')).toBeVisible();
    const memberSince = within(card).getByText(/2025/, { selector: 'time' });
    expect(memberSince).toHaveAttribute('datetime', '2025-03-14T12:00:00.000Z');
    expect(within(card).getByText('Member since')).toBeVisible();
    expect(api.requestsTo(PROFILE)[0]!.authorization).toBe(`Bearer ${tokens[0]}`);
  });

  it('lists the user’s organizations with their role, or says there are none', async () => {
    api.reply(PROFILE, {
      status: 200,
      body: sampleProfile({
        organizations: [
          { id: 'org_1', name: 'Analytical Engines', slug: 'engines', imageUrl: null, role: 'org:admin' },
          { id: 'org_2', name: 'Difference Ltd', slug: null, imageUrl: null, role: 'org:member' },
        ],
      }),
    });
    renderApp('/dashboard', { apiUrl: api.url });
    const card = await screen.findByRole('region', { name: 'Organizations' });
    const items = within(card).getAllByRole('listitem');
    expect(items.map((item) => item.textContent)).toEqual([
      expect.stringMatching(/Analytical Engines.*engines.*admin/),
      expect.stringMatching(/Difference Ltd.*member/),
    ]);
    expect(within(items[0]!).getByText('admin')).toHaveAttribute('title', 'org:admin');
  });

  it('says so when the user belongs to no organization', async () => {
    api.reply(PROFILE, { status: 200, body: sampleProfile() });
    renderApp('/dashboard', { apiUrl: api.url });
    const card = await screen.findByRole('region', { name: 'Organizations' });
    expect(within(card).getByText('You are not a member of any organization.')).toBeVisible();
  });

  it('marks an unverified email', async () => {
    api.reply(PROFILE, { status: 200, body: sampleProfile({ emailVerified: false }) });
    renderApp('/dashboard', { apiUrl: api.url });
    const card = await screen.findByRole('region', { name: 'Ada Lovelace' });
    expect(within(card).getByText('Not verified')).toBeVisible();
    expect(within(card).queryByText('Verified')).toBeNull();
  });

  it('changes the theme at once, saves it with PATCH and caches it for the next first paint', async () => {
    api.reply(PROFILE, { status: 200, body: sampleProfile({ settings: { theme: 'light' } }) });
    api.reply(PATCH, { status: 200, body: sampleProfile({ settings: { theme: 'dark' } }), delayMs: 100 });
    renderApp('/dashboard', { apiUrl: api.url });

    const group = await screen.findByRole('group', { name: 'Theme' });
    expect(within(group).getByRole('radio', { name: /Light/ })).toBeChecked();
    await userEvent.click(within(group).getByRole('radio', { name: /Dark/ }));

    // Applied before the server answered.
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('dark');
    expect(await screen.findByText('Saved')).toBeVisible();
    expect(api.requestsTo(PATCH).map((r) => r.body)).toEqual([{ theme: 'dark' }]);
  });

  it('reverts the theme when saving fails', async () => {
    api.reply(PROFILE, { status: 200, body: sampleProfile({ settings: { theme: 'light' } }) });
    api.reply(PATCH, { status: 503, body: { error: 'Database unavailable' } });
    renderApp('/dashboard', { apiUrl: api.url });

    const group = await screen.findByRole('group', { name: 'Theme' });
    await userEvent.click(within(group).getByRole('radio', { name: /Dark/ }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Couldn’t save your theme');
    expect(within(group).getByRole('radio', { name: /Light/ })).toBeChecked();
    expect(document.documentElement.dataset.theme).toBe('light');
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('light');
  });

  it('is keyboard operable: arrow keys move between themes', async () => {
    api.reply(PROFILE, { status: 200, body: sampleProfile({ settings: { theme: 'light' } }) });
    api.reply(PATCH, { status: 200, body: sampleProfile({ settings: { theme: 'dark' } }) });
    renderApp('/dashboard', { apiUrl: api.url });
    const light = await screen.findByRole('radio', { name: /Light/ });
    light.focus();
    await userEvent.keyboard('{ArrowRight}');
    await waitFor(() => expect(screen.getByRole('radio', { name: /Dark/ })).toBeChecked());
    expect(await screen.findByText('Saved')).toBeVisible();
    expect(api.requestsTo(PATCH).map((r) => r.body)).toEqual([{ theme: 'dark' }]);
  });

  it('reconciles a stale cached theme with the one saved on the server', async () => {
    localStorage.setItem(THEME_STORAGE_KEY, 'light');
    api.reply(PROFILE, { status: 200, body: sampleProfile({ settings: { theme: 'dark' } }) });
    renderApp('/dashboard', { apiUrl: api.url });
    await screen.findByRole('region', { name: 'Ada Lovelace' });
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('dark'));
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('dark');
  });

  it('falls back to the sync once when the profile is missing, and shows its result', async () => {
    api.reply(PROFILE, { status: 404, body: { error: 'No profile yet' } });
    api.reply(SYNC, {
      status: 201,
      body: { status: 'created', profile: sampleProfile({ firstName: 'Grace' }) },
    });
    renderApp('/dashboard', { apiUrl: api.url });

    expect(await screen.findByRole('heading', { name: 'Welcome back, Grace' })).toBeVisible();
    expect(api.requestsTo(PROFILE)).toHaveLength(1);
    expect(api.requestsTo(SYNC)).toHaveLength(1);
  });

  it('shows the fallback sync’s failure (410: deleted account)', async () => {
    api.reply(PROFILE, { status: 404, body: { error: 'No profile yet' } });
    api.reply(SYNC, { status: 410, body: { error: 'deleted', code: 'user_deleted' } });
    renderApp('/dashboard', { apiUrl: api.url });
    expect(await screen.findByRole('heading', { name: 'This account has been deleted' })).toBeVisible();
    expect(api.requestsTo(SYNC)).toHaveLength(1);
  });

  it('offers "Try again" when the profile cannot be loaded', async () => {
    api.reply(PROFILE, {
      status: 503,
      body: { error: 'Database unavailable' },
      headers: { 'retry-after': '5' },
    });
    renderApp('/dashboard', { apiUrl: api.url });
    const tryAgain = await screen.findByRole('button', { name: 'Try again' });
    expect(screen.getByRole('heading', { name: 'usersync is temporarily unavailable' })).toBeVisible();
    api.reply(PROFILE, { status: 200, body: sampleProfile() });
    await userEvent.click(tryAgain);
    expect(await screen.findByRole('region', { name: 'Ada Lovelace' })).toBeVisible();
    expect(api.requestsTo(PROFILE)).toHaveLength(2);
  });

  it('signs out from the header', async () => {
    api.reply(PROFILE, { status: 200, body: sampleProfile() });
    const { router } = renderApp('/dashboard', { apiUrl: api.url });
    await screen.findByRole('region', { name: 'Ada Lovelace' });
    expect(screen.getByRole('button', { name: 'Account menu for ada@example.com' })).toBeVisible();
    await userEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/'));
  });
});
