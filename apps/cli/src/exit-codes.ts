/** Exit codes, documented in the README. Scripts and CI can tell a refusal from a failure. */
export const EXIT = {
  ok: 0,
  /** Something failed: database or Clerk unreachable, a migration failed, the API answered non-2xx. */
  failure: 1,
  /** Bad arguments or options, or configuration missing (e.g. CLERK_SECRET_KEY). */
  usage: 2,
  /** Refused by a safety guard (reconcile's wrong-instance guard); nothing was written. */
  refused: 3,
  /** The user, delivery or invitation asked for does not exist. */
  notFound: 4,
  /** Interrupted (Ctrl-C); work already committed stays, re-running is safe. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error whose message is meant for the operator as is, with the exit code to leave with. */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode = EXIT.failure) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}
