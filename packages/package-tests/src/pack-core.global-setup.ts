import { packCore } from './packed-core.ts';

/** Packs @usersync/core once per run, before any test installs it. */
export default function setup(): void {
  process.env.USERSYNC_CORE_TARBALL = packCore();
}
