/** Every route of the SPA, in one place: `path` for the router, `getHref` for links and redirects. */
export const REDIRECT_PARAM = 'redirect_to';

function withRedirect(base: string, redirectTo?: string | null) {
  return redirectTo ? `${base}?${new URLSearchParams({ [REDIRECT_PARAM]: redirectTo })}` : base;
}

export const paths = {
  home: { path: '/', getHref: () => '/' },
  signIn: {
    path: '/sign-in/*',
    routingPath: '/sign-in',
    getHref: (redirectTo?: string | null) => withRedirect('/sign-in', redirectTo),
  },
  signUp: {
    path: '/sign-up/*',
    routingPath: '/sign-up',
    getHref: (redirectTo?: string | null) => withRedirect('/sign-up', redirectTo),
  },
  authCallback: {
    path: '/auth/callback',
    getHref: (redirectTo?: string | null) => withRedirect('/auth/callback', redirectTo),
  },
  dashboard: {
    root: { path: '/dashboard', getHref: () => '/dashboard' },
  },
  admin: {
    root: { path: '/admin', getHref: () => '/admin' },
    /** `open`: the svix-id whose detail drawer is open. */
    deliveries: {
      path: '/admin/deliveries',
      getHref: (search: Record<string, string> = {}) => withSearch('/admin/deliveries', search),
    },
    users: { path: '/admin/users', getHref: () => '/admin/users' },
    user: {
      path: '/admin/users/:clerkId',
      getHref: (clerkId: string) => `/admin/users/${encodeURIComponent(clerkId)}`,
    },
    organization: {
      path: '/admin/organizations/:clerkId',
      getHref: (clerkId: string) => `/admin/organizations/${encodeURIComponent(clerkId)}`,
    },
    audit: { path: '/admin/audit', getHref: () => '/admin/audit' },
  },
} as const;

function withSearch(base: string, search: Record<string, string>) {
  const text = new URLSearchParams(search).toString();
  return text ? `${base}?${text}` : base;
}
