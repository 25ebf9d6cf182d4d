import type { ReconcileProgress } from '@usersync/core/internal';
import cliProgress from 'cli-progress';
import type { CliIo } from '../command-context.ts';

const PHASE_LABEL: Record<ReconcileProgress['phase'], string> = {
  compare: 'comparing',
  apply: 'applying',
  deactivate: 'checking missing users',
};

export interface ProgressReporter {
  update(progress: ReconcileProgress): void;
  /** A line that must not be drawn over by the bar (retries, warnings). */
  note(text: string): void;
  stop(): void;
}

/**
 * A progress bar on a terminal (cli-progress); elsewhere (CI logs, pipes, tests) plain lines on
 * stderr, at most one a second per phase plus the last, so logs stay short for 100k users.
 */
export function createProgressReporter(
  io: CliIo,
  options: { quiet?: boolean /** What is counted (default users). */; noun?: string } = {},
): ProgressReporter {
  const noun = options.noun ?? 'users';
  if (options.quiet) return { update() {}, note: (text) => io.err(text), stop() {} };
  if (io.isTTY) return terminalBar(noun);
  let lastPhase: string | null = null;
  let lastLineAt = 0;
  return {
    update({ phase, done, total }) {
      const now = Date.now();
      const finished = total !== null && done >= total;
      if (phase === lastPhase && now - lastLineAt < 1_000 && !finished) return;
      lastPhase = phase;
      lastLineAt = now;
      io.err(`${PHASE_LABEL[phase]}: ${done}${total === null ? '' : `/${total}`} ${noun}`);
    },
    note: (text) => io.err(text),
    stop() {},
  };
}

function terminalBar(noun: string): ProgressReporter {
  let bar: cliProgress.SingleBar | null = null;
  let phase: string | null = null;
  const stop = () => {
    bar?.stop();
    bar = null;
  };
  return {
    update(progress) {
      if (progress.phase !== phase || !bar) {
        stop();
        phase = progress.phase;
        bar = new cliProgress.SingleBar(
          {
            format: `${PHASE_LABEL[progress.phase].padEnd(22)} [{bar}] {value}/{total} ${noun} | {eta_formatted} left`,
            stream: process.stderr,
            hideCursor: true,
            etaBuffer: 20,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(progress.total ?? progress.done, progress.done);
      }
      if (progress.total !== null) bar.setTotal(progress.total);
      else if (progress.done > bar.getTotal()) bar.setTotal(progress.done);
      bar.update(progress.done);
    },
    note(text) {
      // Printed above the bar: cli-progress redraws on the next update.
      process.stderr.write(`\r\x1b[2K${text}\n`);
    },
    stop,
  };
}
