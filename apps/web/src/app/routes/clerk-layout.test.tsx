import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { takeConsoleErrors } from '../../testing/console-errors.ts';
import { renderApp } from '../../testing/render-app.tsx';

describe('Clerk cannot load', () => {
  it('says sign-in is unavailable instead of spinning forever', async () => {
    const { router } = renderApp('/sign-in', { apiUrl: 'http://127.0.0.1:9', clerkFailsToLoad: true });
    expect(await screen.findByRole('heading', { name: 'Sign-in couldn’t load' })).toBeVisible();
    expect(screen.getByRole('button', { name: 'Reload' })).toBeEnabled();
    expect(router.state.location.pathname).toBe('/sign-in');
    // @clerk/react logs the load failure itself.
    expect(takeConsoleErrors(/Failed to load Clerk/)).toHaveLength(1);
  });

  it('the landing page does not need Clerk at all', async () => {
    renderApp('/', { apiUrl: 'http://127.0.0.1:9', clerkFailsToLoad: true });
    expect(await screen.findByRole('heading', { name: /always in step with Clerk/ })).toBeVisible();
    expect(screen.getAllByRole('link', { name: 'Sign in' })[0]).toHaveAttribute('href', '/sign-in');
    expect(screen.getByRole('link', { name: 'Create an account' })).toHaveAttribute('href', '/sign-up');
  });
});
