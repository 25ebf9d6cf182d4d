import { basename } from 'node:path';
import { EXAMPLES, installPackedCore, packCore } from './packed-core.ts';

/** Packs @usersync/core once per run and installs it into each example, before any test file loads. */
export default function setup(): void {
  const timed = (what: string, step: () => void) => {
    const started = performance.now();
    step();
    // The run's log keeps what the package tests cost (the examples' npm installs are most of it).
    console.log(`package-tests: ${what} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  };
  timed('built and packed @usersync/core', () => {
    process.env.USERSYNC_CORE_TARBALL = packCore();
  });
  for (const example of EXAMPLES)
    timed(`npm install in examples/${basename(example)}`, () => installPackedCore(example));
}
