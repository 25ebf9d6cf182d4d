// Builds the installable package (docs/decisions/170): JavaScript and declaration files for the root
// entry's module graph into dist/, with the SQL files beside the modules that read them. The workspace's
// own apps run the TypeScript sources and never need this build.
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';

const here = import.meta.dirname;
const src = join(here, 'src');
const dist = join(here, 'dist');

rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(here, 'tsconfig.build.json')], { stdio: 'inherit' });

// tsc rewrites `./x.ts` to `./x.js` in JavaScript only; declaration files keep `.ts`, which a consumer's
// TypeScript (nodenext) resolves to nothing. Relative specifiers only: package names stay as they are.
const tsSpecifier = /((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]+)\.ts(['"])/g;
for (const file of walk(dist)) {
  if (!file.endsWith('.d.ts')) continue;
  const text = readFileSync(file, 'utf8');
  const rewritten = text.replace(tsSpecifier, '$1$2.js$3');
  if (rewritten !== text) writeFileSync(file, rewritten);
}

// SQL read at run time relative to its module (new URL('./x.sql', import.meta.url)) ships at the same
// relative path: all of it, since the module that installs the functions names files across folders.
let sqlFiles = 0;
for (const file of walk(src)) {
  if (!file.endsWith('.sql')) continue;
  cpSync(file, join(dist, relative(src, file)));
  sqlFiles++;
}
console.log(`@usersync/core: built dist/ (${sqlFiles} SQL files copied)`);

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}
