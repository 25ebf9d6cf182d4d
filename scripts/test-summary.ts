// Adds up the vitest JSON reports of every package into one closing line: "N passed, N failed".
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// Every workspace package: the folders of pnpm-workspace.yaml.
const roots = ['apps', 'packages', 'examples', '.'];
let passed = 0;
let failed = 0;
let skipped = 0;
const lines: string[] = [];
for (const root of roots) {
  const dirs =
    root === '.' ? ['bench', 'scripts'] : existsSync(root) ? readdirSync(root).map((d) => join(root, d)) : [];
  for (const dir of dirs) {
    const file = join(dir, '.vitest-report.json');
    if (!existsSync(file)) continue;
    const report = JSON.parse(readFileSync(file, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      numPendingTests: number;
      numTodoTests: number;
    };
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + report.numTodoTests;
    lines.push(`  ${dir}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
  }
}
console.log('\n== test summary');
for (const line of lines) console.log(line);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
