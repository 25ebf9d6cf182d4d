import { createBrowserRouter, type RouteObject } from 'react-router-dom';
import { paths } from '../config/paths.ts';
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
          {
            path: paths.signIn.path,
            lazy: () => import('./routes/clerk-auth-page.tsx').then((m) => ({ Component: m.SignInRoute })),
          },
          {
            path: paths.signUp.path,
            lazy: () => import('./routes/clerk-auth-page.tsx').then((m) => ({ Component: m.SignUpRoute })),
          },
          { path: paths.authCallback.path, lazy: () => import('./routes/auth-callback.tsx') },
          {
            // The signed-in shell (profile loaded once) around the dashboard and the admin console.
            lazy: () => import('./routes/dashboard/layout.tsx'),
            children: [
              {
                path: paths.dashboard.root.path,
                children: [
                  { index: true, lazy: () => import('./routes/dashboard/overview.tsx') },
                  { path: '*', lazy: () => import('./routes/not-found.tsx') },
                ],
              },
              {
                path: paths.admin.root.path,
                lazy: () => import('./routes/admin/layout.tsx'),
                children: [
                  { index: true, lazy: () => import('./routes/admin/overview.tsx') },
                  { path: paths.admin.deliveries.path, lazy: () => import('./routes/admin/deliveries.tsx') },
                  { path: paths.admin.users.path, lazy: () => import('./routes/admin/users.tsx') },
                  { path: paths.admin.user.path, lazy: () => import('./routes/admin/user.tsx') },
                  {
                    path: paths.admin.organization.path,
                    lazy: () => import('./routes/admin/organization.tsx'),
                  },
                  { path: paths.admin.audit.path, lazy: () => import('./routes/admin/audit.tsx') },
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
