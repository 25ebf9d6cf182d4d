import { render } from '@testing-library/react';
import { TEST_PUBLISHABLE_KEY } from '@usersync/testing/clerk';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { type AppConfig, AppConfigProvider } from '../app/app-config.tsx';
import { routes } from '../app/router.tsx';
import type { Profile, ProfileOrganization } from '../features/users/types.ts';
import type { RetryPolicy } from '../lib/retry-with-backoff.ts';
import { createFakeClerk, type FakeClerkUser } from './fake-clerk.ts';

export const TEST_USER: FakeClerkUser = {
  id: 'user_2ada',
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.com',
  imageUrl: null,
};

/** Fast but real backoff for tests. */
export const FAST_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 20, maxDelayMs: 1000 };

/**
 * Renders the real route tree at `url` with the real @clerk/react given a fake Clerk instance, calling
 * the API at `apiUrl` (a real local server). Returns the router to inspect the location.
 */
export function renderApp(
  url: string,
  options: {
    apiUrl: string;
    signedIn?: boolean;
    syncRetryPolicy?: RetryPolicy;
    tokens?: string[];
    clerkFailsToLoad?: boolean;
    clerkLoadDelayMs?: number;
  },
) {
  const tokens = options.tokens ?? [];
  let issued = 0;
  const clerk = createFakeClerk({
    user: TEST_USER,
    signedIn: options.signedIn ?? true,
    failToLoad: options.clerkFailsToLoad,
    loadDelayMs: options.clerkLoadDelayMs,
    getToken: async () => {
      issued += 1;
      const token = `test-session-token-${issued}`;
      tokens.push(token);
      return token;
    },
  });
  const config: Partial<AppConfig> = {
    clerkPublishableKey: TEST_PUBLISHABLE_KEY,
    clerk: clerk as unknown as AppConfig['clerk'],
    apiUrl: options.apiUrl,
    syncRetryPolicy: options.syncRetryPolicy ?? FAST_RETRY,
  };
  const router = createMemoryRouter(routes, { initialEntries: [url] });
  const result = render(
    <AppConfigProvider config={config}>
      <RouterProvider router={router} />
    </AppConfigProvider>,
  );
  return { ...result, router, clerk, tokens };
}

/** Organizations may leave `plan` out (no plan). */
type SampleProfileOverrides = Partial<Omit<Profile, 'organizations'>> & {
  organizations?: Array<Omit<ProfileOrganization, 'plan'> & Partial<Pick<ProfileOrganization, 'plan'>>>;
};

export function sampleProfile(overrides: SampleProfileOverrides = {}): Profile {
  const { organizations = [], ...rest } = overrides;
  return {
    id: '5b0e7f5e-3c2a-4d0f-9a55-0c7a1a3c9e11',
    clerkId: TEST_USER.id,
    email: TEST_USER.email,
    emailVerified: true,
    firstName: 'Ada',
    lastName: 'Lovelace',
    username: null,
    imageUrl: null,
    phoneNumber: null,
    role: 'member',
    settings: { theme: 'system' },
    memberSince: '2026-11-21T10:00:00.000Z',
    plan: null,
    ...rest,
    organizations: organizations.map((o) => ({ plan: null, ...o })),
  };
}
