import { createBrowserRouter, type RouteObject } from 'react-router-dom';
import { RootLayout } from './routes/root.tsx';
import { RouteErrorBoundary } from './routes/route-error.tsx';

/**
 * Pages load on demand, and everything that needs Clerk sits under one lazy layout route, so the
 * first visit downloads only React, the router and the shell (see the build's size report).
 */
export const routes: RouteObject[] = [
  {
    element: <RootLayout />,
    errorElement: <RouteErrorBoundary />,
    // Shown while the first page's code loads; blank on purpose (it takes milliseconds).
    hydrateFallbackElement: <div className="route-loading" />,
    children: [
      { index: true, lazy: () => import('./routes/landing.tsx') },
      {
        lazy: () => import('./routes/clerk-layout.tsx'),
        children: [
          { path: 'sign-in/*', lazy: () => import('./routes/sign-in.tsx') },
          { path: 'sign-up/*', lazy: () => import('./routes/sign-up.tsx') },
          { path: 'auth/callback', lazy: () => import('./routes/auth-callback.tsx') },
          {
            // The signed-in shell (profile loaded once) around the dashboard and the admin console.
            lazy: () => import('./routes/dashboard/layout.tsx'),
            children: [
              {
                path: 'dashboard',
                children: [
                  { index: true, lazy: () => import('./routes/dashboard/overview.tsx') },
                  { path: '*', lazy: () => import('./routes/not-found.tsx') },
                ],
              },
              {
                path: 'admin',
                lazy: () => import('./routes/admin/layout.tsx'),
                children: [
                  { index: true, lazy: () => import('./routes/admin/overview.tsx') },
                  { path: 'deliveries', lazy: () => import('./routes/admin/deliveries.tsx') },
                  { path: 'users', lazy: () => import('./routes/admin/users.tsx') },
                  { path: 'users/:clerkId', lazy: () => import('./routes/admin/user.tsx') },
                  { path: 'audit', lazy: () => import('./routes/admin/audit.tsx') },
                  { path: '*', lazy: () => import('./routes/not-found.tsx') },
                ],
              },
            ],
          },
        ],
      },
      { path: '*', lazy: () => import('./routes/not-found.tsx') },
    ],
  },
];

export function createAppRouter() {
  return createBrowserRouter(routes);
}
