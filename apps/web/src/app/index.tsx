import { lazy, Suspense, useState } from 'react';
import { RouterProvider } from 'react-router-dom';
import { env } from '../config/env.ts';
import { type AppConfig, AppConfigProvider } from './app-config.tsx';
import { createAppRouter } from './router.tsx';

// Only a misconfigured build needs it; kept out of the initial JavaScript.
const SetupPage = lazy(() => import('./setup-page.tsx').then((m) => ({ default: m.SetupPage })));

export function App(props: { config?: Partial<AppConfig> }) {
  const [router] = useState(createAppRouter);
  if (!env.clerkPublishableKey || env.problems.length > 0) {
    return (
      <Suspense fallback={null}>
        <SetupPage problems={env.problems} />
      </Suspense>
    );
  }
  return (
    <AppConfigProvider config={props.config ?? {}}>
      <RouterProvider router={router} />
    </AppConfigProvider>
  );
}
