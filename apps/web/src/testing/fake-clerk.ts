/**
 * A minimal stand-in for clerk-js (the browser script @clerk/react normally loads from Clerk's CDN),
 * given to the real `ClerkProvider` through its `Clerk` prop. It implements only what @clerk/react and
 * this app use: load, resource listeners, the session's getToken, signOut, and mount points for
 * SignIn / SignUp / UserButton that render a plain test UI. Tokens come from `getToken`, which the
 * tests back with locally signed RS256 session tokens the real API verifies offline.
 *
 * Used by component tests directly and by the e2e build (only with `--mode e2e`, see main.tsx).
 */

export interface FakeClerkUser {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string;
  imageUrl?: string | null;
}

export interface FakeClerkOptions {
  user: FakeClerkUser;
  signedIn: boolean;
  getToken: () => Promise<string | null>;
  /** Told after every sign-in / sign-out, e.g. to keep the state across a reload in an e2e test. */
  onSessionChange?: (signedIn: boolean) => void;
  /** Behave like clerk-js that cannot load (blocked script, no network). */
  failToLoad?: boolean;
  /** Behave like clerk-js on a slow network: loaded only after this long. */
  loadDelayMs?: number;
}

type Listener = (resources: Resources) => void;
interface Resources {
  client: { sessions: unknown[]; signedInSessions: unknown[]; activeSessions: unknown[] };
  /** undefined while switching sessions (clerk-js' "transitive state"). */
  session: unknown;
  user: unknown;
  organization: null;
}
interface MountProps {
  forceRedirectUrl?: string | null;
  fallbackRedirectUrl?: string | null;
  signUpUrl?: string;
  signInUrl?: string;
}
interface LoadOptions {
  routerPush?: (to: string) => unknown;
  afterSignOutUrl?: string;
}

export type FakeClerk = ReturnType<typeof createFakeClerk>;

export function createFakeClerk(options: FakeClerkOptions) {
  const listeners = new Set<Listener>();
  let loaded = false;
  let signedIn = options.signedIn;
  let loadOptions: LoadOptions = {};

  const email = { id: 'idn_fake', emailAddress: options.user.email };
  const user = {
    id: options.user.id,
    firstName: options.user.firstName,
    lastName: options.user.lastName,
    fullName: [options.user.firstName, options.user.lastName].filter(Boolean).join(' ') || null,
    imageUrl: options.user.imageUrl ?? '',
    hasImage: Boolean(options.user.imageUrl),
    primaryEmailAddress: email,
    primaryEmailAddressId: email.id,
    emailAddresses: [email],
    organizationMemberships: [],
  };
  const now = Math.floor(Date.now() / 1000);
  const session = {
    id: 'sess_fake',
    status: 'active',
    user,
    actor: null,
    factorVerificationAge: null,
    // @clerk/react derives `isSignedIn` from the claims of the last token.
    lastActiveToken: { jwt: { claims: { sub: options.user.id, sid: 'sess_fake', iat: now, exp: now + 60 } } },
    getToken: () => options.getToken(),
  };

  const snapshot = (): Resources => {
    const sessions = signedIn ? [session] : [];
    return {
      client: { sessions, signedInSessions: sessions, activeSessions: sessions },
      session: signedIn ? session : null,
      user: signedIn ? user : null,
      organization: null,
    };
  };
  let resources = snapshot();
  const emit = (next: Resources = snapshot()) => {
    resources = next;
    for (const listener of listeners) listener(resources);
  };
  const navigate = async (to: string) => {
    if (loadOptions.routerPush) await loadOptions.routerPush(to);
    else window.location.assign(to);
  };
  /**
   * As clerk-js' setActive / signOut do: emit a transitive state (session and user undefined, which
   * @clerk/react reports as not loaded), navigate, and only then emit the new session.
   */
  const switchSession = async (nextSignedIn: boolean, redirectUrl: string) => {
    emit({ ...resources, session: undefined, user: undefined });
    await navigate(redirectUrl);
    signedIn = nextSignedIn;
    emit();
    options.onSessionChange?.(signedIn);
  };

  const mountAuthForm = (node: HTMLElement, title: string, props: MountProps) => {
    const target = props.forceRedirectUrl ?? props.fallbackRedirectUrl ?? '/';
    // Like clerk-js in single-session mode: a signed-in visitor is sent straight on.
    if (signedIn) {
      void navigate(target);
      return;
    }
    const box = document.createElement('div');
    box.className = 'card fake-clerk-form';
    const heading = document.createElement('h2');
    heading.textContent = `${title} (test stand-in for Clerk)`;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'button button-primary';
    button.textContent = `Continue as ${options.user.email}`;
    button.addEventListener('click', () => {
      void switchSession(true, target);
    });
    box.append(heading, button);
    node.replaceChildren(box);
  };

  return {
    get loaded() {
      return loaded;
    },
    async load(opts?: LoadOptions) {
      if (options.failToLoad) {
        // Like a script that fails to download: later, not synchronously.
        await new Promise((resolve) => setTimeout(resolve, 50));
        throw new Error('Failed to load Clerk (test stand-in)');
      }
      if (options.loadDelayMs) await new Promise((resolve) => setTimeout(resolve, options.loadDelayMs));
      loadOptions = opts ?? {};
      loaded = true;
      emit();
    },
    addListener(listener: Listener, opts?: { skipInitialEmit?: boolean }) {
      listeners.add(listener);
      if (loaded && !opts?.skipInitialEmit) listener(resources);
      return () => {
        listeners.delete(listener);
      };
    },
    get __internal_lastEmittedResources() {
      return resources;
    },
    get client() {
      return resources.client;
    },
    get session() {
      return resources.session;
    },
    get user() {
      return resources.user;
    },
    organization: null,
    get isSignedIn() {
      return signedIn;
    },
    async signOut(opts?: { redirectUrl?: string } | (() => void)) {
      const redirectUrl = typeof opts === 'object' ? opts.redirectUrl : undefined;
      await switchSession(false, redirectUrl ?? loadOptions.afterSignOutUrl ?? '/');
    },
    mountSignIn: (node: HTMLElement, props: MountProps) => mountAuthForm(node, 'Sign in', props),
    unmountSignIn: (node: HTMLElement) => node.replaceChildren(),
    mountSignUp: (node: HTMLElement, props: MountProps) => mountAuthForm(node, 'Sign up', props),
    unmountSignUp: (node: HTMLElement) => node.replaceChildren(),
    mountUserButton(node: HTMLElement) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'fake-clerk-user-button';
      button.setAttribute('aria-label', `Account menu for ${options.user.email}`);
      button.textContent = (options.user.firstName ?? options.user.email).slice(0, 1).toUpperCase();
      node.replaceChildren(button);
    },
    unmountUserButton: (node: HTMLElement) => node.replaceChildren(),
    __internal_updateProps() {},
    buildSignInUrl: () => '/sign-in',
    buildSignUpUrl: () => '/sign-up',
    buildAfterSignOutUrl: () => loadOptions.afterSignOutUrl ?? '/',
    redirectToSignIn: async () => navigate('/sign-in'),
  };
}
