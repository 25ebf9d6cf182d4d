import type { Plugin } from 'vite';

/** Written next to index.html; the API reads it before serving the build (apps/api web-app plugin). */
export const WEB_BUILD_INFO_FILE = 'usersync-build.json';

export interface WebBuildInfo {
  /** The publishable key compiled into this build, or null when none was set. */
  clerkPublishableKey: string | null;
}

/**
 * Records which Clerk publishable key the build was made with, so `npm run start:api` can refuse an
 * SPA built without one, or for another Clerk instance than the API's, instead of serving a set-up page.
 */
export function webBuildInfo(clerkPublishableKey: string | null): Plugin {
  return {
    name: 'usersync-web-build-info',
    apply: 'build',
    generateBundle() {
      if (clerkPublishableKey === null) {
        this.warn(
          'CLERK_PUBLISHABLE_KEY is not set: this build shows a set-up page instead of sign-in, and `npm run start:api` refuses to serve it. Set it (in .env) and build again.',
        );
      }
      const info: WebBuildInfo = { clerkPublishableKey };
      this.emitFile({ type: 'asset', fileName: WEB_BUILD_INFO_FILE, source: `${JSON.stringify(info)}\n` });
    },
  };
}
