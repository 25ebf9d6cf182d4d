/**
 * The SPA's configuration, read once from Vite's build-time env (the only place that reads it).
 * Problems are collected, not thrown: the app shows them on a set-up page instead of a blank screen.
 */
export interface WebEnv {
  clerkPublishableKey: string | null;
  /** Origin of an API on another origin, without a trailing slash; null = same origin (`/api/...`). */
  apiUrl: string | null;
  problems: EnvProblem[];
}

export interface EnvProblem {
  variable: 'CLERK_PUBLISHABLE_KEY' | 'VITE_API_URL';
  message: string;
}

export interface RawWebEnv {
  /** The same variable the API reads (vite.config.ts lets it through to the browser). */
  CLERK_PUBLISHABLE_KEY?: string;
  /** Older name, still read when CLERK_PUBLISHABLE_KEY is not set. */
  VITE_CLERK_PUBLISHABLE_KEY?: string;
  VITE_API_URL?: string;
}

export function readWebEnv(raw: RawWebEnv): WebEnv {
  const problems: EnvProblem[] = [];
  let clerkPublishableKey: string | null =
    raw.CLERK_PUBLISHABLE_KEY?.trim() || raw.VITE_CLERK_PUBLISHABLE_KEY?.trim() || null;
  if (!clerkPublishableKey) {
    problems.push({ variable: 'CLERK_PUBLISHABLE_KEY', message: 'is not set.' });
  } else if (!/^pk_(test|live)_[A-Za-z0-9+/=_-]+$/.test(clerkPublishableKey)) {
    problems.push({
      variable: 'CLERK_PUBLISHABLE_KEY',
      message: 'does not look like a Clerk publishable key (it starts with pk_test_ or pk_live_).',
    });
    clerkPublishableKey = null;
  }

  let apiUrl: string | null = raw.VITE_API_URL?.trim() || null;
  if (apiUrl) {
    try {
      const url = new URL(apiUrl);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http(s)');
      apiUrl = url.origin + url.pathname.replace(/\/+$/, '');
    } catch {
      problems.push({
        variable: 'VITE_API_URL',
        message: `must be an absolute http(s) URL such as https://api.example.com (got "${apiUrl}").`,
      });
      apiUrl = null;
    }
  }
  return { clerkPublishableKey, apiUrl, problems };
}

export const env: WebEnv = readWebEnv(import.meta.env);
