import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';
import { themeInitScriptSource } from './theme-init-script.ts';

/** The window global the e2e build reads its test Clerk from; it must never reach a normal build. */
export const TEST_CLERK_GLOBAL = '__USERSYNC_TEST_CLERK__';

export interface InitialJsReport {
  files: Array<{ fileName: string; bytes: number; gzipBytes: number }>;
  totalGzipBytes: number;
}

/**
 * Prints the JavaScript a first visit downloads before anything renders: the entry chunk and every
 * chunk it imports statically (transitively), plus the pre-paint theme script, gzipped.
 * Lazy route chunks and Clerk's own script (clerk-js, loaded by @clerk/react from Clerk's CDN at run
 * time) are not part of it. Fails the build above the budget, and fails a non-e2e build that still
 * contains the test-only Clerk hook.
 */
export function initialJsSizeReport(options: { budgetBytes: number; e2e: boolean }): Plugin {
  let report: InitialJsReport | undefined;
  return {
    name: 'usersync:initial-js-size-report',
    apply: 'build',
    generateBundle(_outputOptions, bundle) {
      const chunks = new Map<string, { code: string; imports: string[]; isEntry: boolean }>();
      for (const [fileName, output] of Object.entries(bundle)) {
        if (output.type !== 'chunk') continue;
        chunks.set(fileName, { code: output.code, imports: output.imports, isEntry: output.isEntry });
        if (!options.e2e && output.code.includes(TEST_CLERK_GLOBAL)) {
          this.error(
            `${fileName} contains the test-only Clerk hook (${TEST_CLERK_GLOBAL}); only --mode e2e may`,
          );
        }
      }
      const initial = new Set<string>();
      const visit = (fileName: string) => {
        if (initial.has(fileName)) return;
        initial.add(fileName);
        for (const imported of chunks.get(fileName)?.imports ?? []) visit(imported);
      };
      for (const [fileName, chunk] of chunks) if (chunk.isEntry) visit(fileName);

      const files = [...initial].map((fileName) => {
        const code = chunks.get(fileName)!.code;
        return { fileName, bytes: Buffer.byteLength(code), gzipBytes: gzipSync(code, { level: 9 }).length };
      });
      const themeScript = themeInitScriptSource();
      files.push({
        fileName: 'theme-init.js (pre-paint)',
        bytes: Buffer.byteLength(themeScript),
        gzipBytes: gzipSync(themeScript, { level: 9 }).length,
      });
      report = { files, totalGzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0) };
    },
    closeBundle() {
      if (!report) return;
      const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
      const lines = report.files
        .sort((a, b) => b.gzipBytes - a.gzipBytes)
        .map(
          (f) =>
            `  ${f.fileName.padEnd(44)} ${kb(f.bytes).padStart(10)}  gzip ${kb(f.gzipBytes).padStart(9)}`,
        );
      const verdict = report.totalGzipBytes <= options.budgetBytes ? 'within' : 'OVER';
      console.log(
        [
          '',
          'Initial JavaScript (entry + static imports; excludes clerk-js from Clerk’s CDN; 1 KB = 1024 bytes, Vite’s list above uses kB = 1000):',
          ...lines,
          `  total gzip ${kb(report.totalGzipBytes)} — ${verdict} the ${kb(options.budgetBytes)} budget`,
          '',
        ].join('\n'),
      );
      if (report.totalGzipBytes > options.budgetBytes) {
        throw new Error(
          `Initial JavaScript is ${kb(report.totalGzipBytes)} gzip, over the ${kb(options.budgetBytes)} budget`,
        );
      }
    },
  };
}
