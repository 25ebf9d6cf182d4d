// Clerk's Backend API stand-in (@usersync/testing) filled with sample users, in its own process so that
// serving pages of 500 users does not share an event loop with what is being measured.
// `node fake-clerk-process.ts '{"users":100000,"idPrefix":"user_r"}'`: prints {"url","secretKey"} once
// listening, then serves until stdin closes or SIGTERM.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { sampleClerkUser } from '@usersync/core/internal';
import { startFakeClerkBackendApi, testClerkKeys } from '@usersync/testing/clerk';

export interface FakeClerkConfig {
  users: number;
  idPrefix: string;
  latencyMs?: number;
}

export interface FakeClerkProcess {
  url: string;
  secretKey: string;
  pid: number;
  stop(): Promise<void>;
}

/** Deterministic ids: `${idPrefix}${i}` for i in [0, users). */
export function fakeClerkUserId(idPrefix: string, i: number): string {
  return `${idPrefix}${String(i).padStart(7, '0')}`;
}

export async function startFakeClerkProcess(config: FakeClerkConfig): Promise<FakeClerkProcess> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), JSON.stringify(config)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Clerk stand-in did not start within 120 s')), 120_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`Clerk stand-in exited (${code})`)));
  });
  const { url, secretKey } = JSON.parse(first) as { url: string; secretKey: string };
  return {
    url,
    secretKey,
    pid: child.pid as number,
    async stop() {
      child.stdin.end();
      child.kill('SIGTERM');
      await exited;
    },
  };
}

if (import.meta.main) {
  const config = JSON.parse(process.argv[2] ?? '{}') as FakeClerkConfig;
  const { secretKey } = testClerkKeys();
  const api = await startFakeClerkBackendApi({ secretKey, latencyMs: config.latencyMs });
  const base = 1_750_000_000_000;
  for (let i = 0; i < config.users; i++) {
    const id = fakeClerkUserId(config.idPrefix, i);
    api.users.set(id, sampleClerkUser({ id, createdAt: base + i * 1000, lastSignInAt: base + i * 1000 + 5 }));
  }
  // The list as reconcile reads it (oldest first, 500 a page), serialised once: Clerk's CPU is not ours.
  api.freezeUserList({ orderBy: '+created_at', pageSize: 500 });
  process.stdout.write(`${JSON.stringify({ url: api.url, secretKey })}\n`);
  const stop = () => void api.close().then(() => process.exit(0));
  process.stdin.on('end', stop);
  process.stdin.resume();
  process.on('SIGTERM', stop);
}
