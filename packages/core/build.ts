// Builds the installable package (docs/decisions/170): JavaScript and declaration files for the root
// entry's module graph into dist/, with the SQL files beside the modules that read them. The workspace's
// own apps run the TypeScript sources and never need this build.
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';

const here = import.meta.dirname;
const src = join(here, 'src');
const dist = join(here, 'dist');
const emitted = join(dist, '.tsc');

rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(here, 'tsconfig.build.json')], { stdio: 'inherit' });

// tsc follows the root entry into @usersync/config (the workspace's configuration rules, a private
// package core imports: decision 145) and emits both packages under packages/. Core's output becomes
// dist/; config's ships inside it as dist/vendor/config, so the package depends on nothing unpublished.
const vendored = join(dist, 'vendor', 'config');
renameSync(join(emitted, 'core', 'src'), join(dist, 'core-src'));
renameSync(join(emitted, 'config', 'src'), join(dist, 'config-src'));
rmSync(emitted, { recursive: true, force: true });
for (const entry of readdirSync(join(dist, 'core-src')))
  renameSync(join(dist, 'core-src', entry), join(dist, entry));
rmSync(join(dist, 'core-src'), { recursive: true });
cpSync(join(dist, 'config-src'), vendored, { recursive: true });
rmSync(join(dist, 'config-src'), { recursive: true });

// tsc rewrites `./x.ts` to `./x.js` in JavaScript only; declaration files keep `.ts`, which a consumer's
// TypeScript (nodenext) resolves to nothing. And `@usersync/config` becomes the vendored copy's path.
const specifier = /((?:from|import)\s*\(?\s*['"])([^'"]+)(['"])/g;
for (const file of walk(dist)) {
  if (!file.endsWith('.js') && !file.endsWith('.d.ts')) continue;
  const text = readFileSync(file, 'utf8');
  const rewritten = text.replace(specifier, (whole, before: string, path: string, after: string) => {
    if (path === '@usersync/config') {
      const target = relative(dirname(file), join(vendored, 'index.js'));
      return `${before}${target.startsWith('.') ? target : `./${target}`}${after}`;
    }
    if (file.endsWith('.d.ts') && path.startsWith('.') && path.endsWith('.ts')) {
      return `${before}${path.slice(0, -'.ts'.length)}.js${after}`;
    }
    return whole;
  });
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
console.log(`@usersync/core: built dist/ (${sqlFiles} SQL files copied, @usersync/config vendored)`);

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}
