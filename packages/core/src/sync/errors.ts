/** A Clerk payload we cannot store: wrong shape or a value over a column's limit. Nothing is written. */
export class InvalidClerkUserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidClerkUserError';
  }
}
