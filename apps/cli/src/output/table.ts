import type { CliIo } from '../command-context.ts';

/** A plain left-aligned table: readable in a terminal and in a log, no colours. */
export function printTable(io: CliIo, headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => [...(r[i] ?? '')].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i]! - [...c].length)))
      .join('  ')
      .trimEnd();
  io.out(line(headers));
  io.out(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) io.out(line(row));
}
