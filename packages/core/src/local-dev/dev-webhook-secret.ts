import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Local development only: a webhook signing secret made up once and kept beside the embedded database's
 * folder (`.data/dev-webhook-secret` by default),
 * so `npm run dev`'s API and `usersync webhook send` agree without anyone inventing a `whsec_` value.
 * Any `whsec_<base64>` works locally; Clerk's real secret replaces it once CLERK_WEBHOOK_SIGNING_SECRET
 * is set. Production never calls this (the API requires the real secret there).
 */
export function devWebhookSecretPath(dataDir: string): string {
  return join(dirname(dataDir), 'dev-webhook-secret');
}

const WHSEC = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

/** The secret in the file, or null when there is none (or it is not a whsec_ value). */
export function readDevWebhookSecret(dataDir: string): string | null {
  const path = devWebhookSecretPath(dataDir);
  if (!existsSync(path)) return null;
  const value = readFileSync(path, 'utf8').trim();
  return WHSEC.test(value) ? value : null;
}

/** The secret in the file; made and written (mode 600) on first use. `created` says which. */
export function ensureDevWebhookSecret(dataDir: string): { secret: string; path: string; created: boolean } {
  const path = devWebhookSecretPath(dataDir);
  const existing = readDevWebhookSecret(dataDir);
  if (existing) return { secret: existing, path, created: false };
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return { secret, path, created: true };
}
