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
