// `pnpm build`: bundles src/server.ts into dist/ with esbuild. Workspace code
// (@usersync/*, exported as TypeScript source) is bundled; npm packages stay external and are loaded
// from apps/api/node_modules at run time, so each must be a dependency of this package.
import { cpSync, globSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

const externalNpmPackages: Plugin = {
  name: 'external-npm-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith('@usersync/') || args.pluginData?.checking) return undefined;
      if (args.path.startsWith('node:')) return { path: args.path, external: true };
      // Fail the build, not the deployment, when a package is not resolvable from apps/api.
      const resolved = await b.resolve(args.path, {
        kind: args.kind,
        resolveDir: here,
        pluginData: { checking: true },
      });
      if (resolved.errors.length > 0) {
        return {
          errors: [
            {
              text: `${args.path} is imported but is not a dependency of @usersync/api (imported by ${args.importer})`,
            },
          ],
        };
      }
      return { path: args.path, external: true };
    });
  },
};

export async function buildServer(outdir = join(here, 'dist')): Promise<void> {
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: { server: join(here, 'src/server.ts') },
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    sourcemap: true,
    logLevel: 'warning',
    plugins: [externalNpmPackages],
    // The built server is the production server unless told otherwise (runs before our code reads the
    // environment; ESM evaluates imported packages first, and none of ours reads NODE_ENV on import).
    banner: { js: "if (!process.env.NODE_ENV) process.env.NODE_ENV = 'production';" },
  });
  copySqlFunctionFiles(outdir);
}

/**
 * The migration runner reads each SQL function file at run time, at its URL relative to the module
 * that lists them (packages/core/src/sql-functions.ts: `new URL('./sync/….sql', import.meta.url)`).
 * Bundled, that module's import.meta.url is dist/server.js: the files go to the same paths under dist/.
 */
function copySqlFunctionFiles(outdir: string): void {
  const coreSrc = dirname(fileURLToPath(import.meta.resolve('@usersync/core')));
  for (const file of globSync('**/*.sql', { cwd: coreSrc })) {
    cpSync(join(coreSrc, file), join(outdir, file));
  }
}

if (import.meta.main) {
  await buildServer();
  console.log('apps/api: built dist/server.js');
}
