/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly CLERK_PUBLISHABLE_KEY?: string;
  readonly VITE_CLERK_PUBLISHABLE_KEY?: string;
  readonly VITE_API_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}

/** True only in `vite build --mode e2e` (see vite.config.ts). */
declare const __USERSYNC_E2E__: boolean;
