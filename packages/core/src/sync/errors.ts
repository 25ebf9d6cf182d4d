/** A Clerk payload we cannot store: wrong shape or a value over a column's limit. Nothing is written. */
export class InvalidClerkPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidClerkPayloadError';
  }
}

/** The user flavour of InvalidClerkPayloadError (a UserJSON we cannot store). */
export class InvalidClerkUserError extends InvalidClerkPayloadError {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidClerkUserError';
  }
}

/**
 * The `default` of a switch over outcomes: with every case handled `outcome` is `never`, so a new
 * outcome is a compile error at each switch (and a loud failure, never a silent fall-through, at run time).
 */
export function unhandledOutcome(outcome: never): never {
  throw new Error(`unhandled outcome: ${String(outcome)}`);
}
