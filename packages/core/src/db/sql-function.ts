/**
 * One `usersync_…` SQL function and the file that holds its one current definition
 * (docs/decisions/140). The file sits beside the TypeScript that calls the function and is named after
 * it; the migration runner installs it (migrations/install-sql-functions.ts). Callers put `name` in
 * their statement text, so the import graph leads from a call to its rule.
 */
export interface SqlFunction {
  readonly name: string;
  /** The `.sql` file, resolved relative to the module that declared it (src/ or a build beside it). */
  readonly file: URL;
}

export function sqlFunction(name: string, file: URL): SqlFunction {
  // The URL's last segment, whatever its scheme: in the browser test environment (jsdom, which loads the
  // test kit and through it core) module URLs are http:, and only the migration runner reads the file.
  if (!/^usersync_[a-z0-9_]+$/.test(name) || file.pathname.split('/').at(-1) !== `${name}.sql`) {
    throw new Error(`SQL function ${name}: its file must be named ${name}.sql (got ${file.href})`);
  }
  return { name, file };
}
