import type { ClerkProp } from '@clerk/react';
import { createContext, type ReactNode, useContext } from 'react';
import { env } from '../config/env.ts';
import { DEFAULT_SYNC_RETRY_POLICY, type RetryPolicy } from '../lib/retry-with-backoff.ts';

/** Run-time settings below the router: Clerk, where the API is, how patiently to retry the first sync. */
export interface AppConfig {
  clerkPublishableKey: string;
  /**
   * A Clerk instance to use instead of loading clerk-js from Clerk's CDN. Only the e2e build
   * (`--mode e2e`) and component tests set it; see docs/decisions/021.
   */
  clerk?: ClerkProp;
  /** null = same origin (`/api/...`). */
  apiUrl: string | null;
  syncRetryPolicy: RetryPolicy;
}

const AppConfigContext = createContext<AppConfig>({
  clerkPublishableKey: env.clerkPublishableKey ?? '',
  apiUrl: env.apiUrl,
  syncRetryPolicy: DEFAULT_SYNC_RETRY_POLICY,
});

export function AppConfigProvider(props: { config: Partial<AppConfig>; children: ReactNode }) {
  const parent = useContext(AppConfigContext);
  return (
    <AppConfigContext.Provider value={{ ...parent, ...props.config }}>
      {props.children}
    </AppConfigContext.Provider>
  );
}

export function useAppConfig() {
  return useContext(AppConfigContext);
}
