/** console.error calls seen during the current test; setup-tests.ts fails the test if any remain. */
export const consoleErrors: unknown[][] = [];

/** For a test that provokes an error on purpose: removes (and returns) the logged errors matching `pattern`. */
export function takeConsoleErrors(pattern: RegExp): unknown[][] {
  const taken = consoleErrors.filter((args) => pattern.test(args.map(String).join(' ')));
  for (const args of taken) consoleErrors.splice(consoleErrors.indexOf(args), 1);
  return taken;
}
