import { render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { readWebEnv } from '../config/env.ts';

describe('configuration', () => {
  it('reads a valid publishable key and an optional API origin', () => {
    expect(
      readWebEnv({ VITE_CLERK_PUBLISHABLE_KEY: 'pk_test_abc=', VITE_API_URL: 'https://api.example.com/' }),
    ).toEqual({ clerkPublishableKey: 'pk_test_abc=', apiUrl: 'https://api.example.com', problems: [] });
    expect(readWebEnv({ VITE_CLERK_PUBLISHABLE_KEY: 'pk_live_x' }).apiUrl).toBeNull();
  });

  it('reads the same CLERK_PUBLISHABLE_KEY as the API; the VITE_ name only when that one is unset', () => {
    expect(readWebEnv({ CLERK_PUBLISHABLE_KEY: 'pk_test_one=' }).clerkPublishableKey).toBe('pk_test_one=');
    expect(
      readWebEnv({ CLERK_PUBLISHABLE_KEY: 'pk_test_one=', VITE_CLERK_PUBLISHABLE_KEY: 'pk_test_two=' })
        .clerkPublishableKey,
    ).toBe('pk_test_one=');
    expect(
      readWebEnv({ CLERK_PUBLISHABLE_KEY: ' ', VITE_CLERK_PUBLISHABLE_KEY: 'pk_test_two=' })
        .clerkPublishableKey,
    ).toBe('pk_test_two=');
  });

  it('reports a missing or malformed key and a bad API URL', () => {
    expect(readWebEnv({}).problems.map((p) => p.variable)).toEqual(['CLERK_PUBLISHABLE_KEY']);
    expect(readWebEnv({ VITE_CLERK_PUBLISHABLE_KEY: 'sk_test_secret' }).problems[0]?.message).toMatch(
      /pk_test_/,
    );
    expect(
      readWebEnv({ VITE_CLERK_PUBLISHABLE_KEY: 'pk_test_x', VITE_API_URL: 'ftp://x' }).problems.map(
        (p) => p.variable,
      ),
    ).toEqual(['VITE_API_URL']);
  });

  it('without CLERK_PUBLISHABLE_KEY the app shows a set-up page saying what to set and where', async () => {
    vi.stubEnv('CLERK_PUBLISHABLE_KEY', '');
    vi.stubEnv('VITE_CLERK_PUBLISHABLE_KEY', '');
    vi.resetModules();
    const { App } = await import('./index.tsx');
    render(<App />);
    expect(
      await screen.findByRole('heading', { name: 'Connect usersync to your Clerk application' }),
    ).toBeVisible();
    expect(screen.getByText('CLERK_PUBLISHABLE_KEY', { selector: 'li > code' })).toBeVisible();
    expect(screen.getByText(/The API reads the same variable/)).toBeVisible();
    expect(screen.getByText(/at the root of the repository/)).toBeVisible();
    expect(screen.getByRole('link', { name: /Clerk Dashboard → API keys/ })).toHaveAttribute(
      'href',
      expect.stringContaining('dashboard.clerk.com'),
    );
    vi.unstubAllEnvs();
  });
});
