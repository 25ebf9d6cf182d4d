// `pnpm build`: bundles src/server.ts into dist/ with esbuild. Workspace code
// (@usersync/*, exported as TypeScript source) is bundled; npm packages stay external and are loaded
// from apps/api/node_modules at run time, so each must be a dependency of this package.
import { rmSync } from 'node:fs';
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
}

if (import.meta.main) {
  await buildServer();
  console.log('apps/api: built dist/server.js');
}
