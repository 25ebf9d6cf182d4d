import { type ApiProcess, buildApiEntry, startApiProcess } from '@usersync/testing/processes';

export interface RunningApi {
  origin: string;
  /** Everything the server printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Builds the API and starts it as production runs it (`node apps/api/dist/server.js`,
 * NODE_ENV=production) on a free port, serving the SPA from `WEB_DIST_DIR`, its own origin as
 * WEB_ORIGIN. Resolves when GET /api/health answers 200.
 */
export async function startApiServer(env: Record<string, string>): Promise<RunningApi> {
  buildApiEntry();
  const api: ApiProcess = await startApiProcess({ name: 'web-e2e-api', env, originAsWebOrigin: true });
  return { origin: api.url, output: api.output, stop: api.stop };
}
