import { EXAMPLES, installPackedCore, packCore } from './packed-core.ts';

/** Packs @usersync/core once per run and installs it into each example, before any test file loads. */
export default function setup(): void {
  const tarball = packCore();
  process.env.USERSYNC_CORE_TARBALL = tarball;
  for (const example of EXAMPLES) installPackedCore(example);
}
