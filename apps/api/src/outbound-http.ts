import { Agent, setGlobalDispatcher } from 'undici';

/**
 * Bounds every outbound HTTP call of this process: connect, wait for the answer's headers, and each gap
 * in its body, each at most `timeoutMs`. Clerk's SDK calls the global `fetch` (JWKS, Backend API) and
 * exposes no timeout of its own; Node's `fetch` uses this dispatcher. A process-wide setting, so
 * server.ts installs it, not the app.
 */
export function limitOutboundHttp(timeoutMs: number): void {
  setGlobalDispatcher(
    new Agent({ connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs }),
  );
}
