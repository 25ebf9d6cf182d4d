import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Kysely, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type SqlFunction, sqlFunction } from '../db/sql-function.ts';
import {
  applyClerkOrganizationInvitationUpsertFunction,
  organizationOutcomeFunction,
  SQL_FUNCTIONS,
  userUpsertStatusFunction,
} from '../sql-functions.ts';
import { describeEachDatabase } from '../testing/describe-each-database.ts';
import { openTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { migrateToLatest, prepareSchema, sqlFunctionStatus, TABLE_MIGRATIONS } from './index.ts';
import { installSqlFunctions } from './install-sql-functions.ts';

// biome-ignore lint/suspicious/noExplicitAny: the runner works on any schema.
type AnyDb = Kysely<any>;

interface FunctionRow {
  name: string;
  signature: string;
  body: string;
  definition: string;
}

async function usersyncFunctions(db: AnyDb): Promise<FunctionRow[]> {
  const { rows } = await sql<FunctionRow>`
    SELECT p.proname AS name, p.oid::regprocedure::text AS signature, p.prosrc AS body,
      pg_get_functiondef(p.oid) AS definition
    FROM pg_proc p WHERE p.proname LIKE 'usersync\\_%' ORDER BY 2
  `.execute(db);
  return rows;
}

/** The body of a file's function: what PostgreSQL keeps verbatim (pg_proc.prosrc). */
function bodyOf(fn: SqlFunction): string {
  const text = readFileSync(fn.file, 'utf8');
  const match = /\$\$([\s\S]*)\$\$/.exec(text);
  if (!match) throw new Error(`${fn.name}: no $$ body`);
  return match[1]!;
}

/** The schema as a database deployed before the SQL files held: the table migrations alone, by Kysely. */
async function migrateLikeYesterday(db: AnyDb): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => ({ ...TABLE_MIGRATIONS }) } });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error;
}

/** A copy of a registered file in a temporary folder, edited: the file as a later commit would have it. */
function editedCopy(dir: string, fn: SqlFunction, edit: (text: string) => string): SqlFunction {
  const path = join(dir, `${fn.name}.sql`);
  const edited = edit(readFileSync(fn.file, 'utf8'));
  expect(edited).not.toBe(readFileSync(fn.file, 'utf8'));
  writeFileSync(path, edited);
  return sqlFunction(fn.name, pathToFileURL(path));
}

function withReplaced(replacement: SqlFunction): SqlFunction[] {
  return SQL_FUNCTIONS.map((fn) => (fn.name === replacement.name ? replacement : fn));
}

describeEachDatabase('SQL function files', (use, kind) => {
  let upgraded: TestDatabase;
  let upgradeApplied: string[];
  let yesterdaysFunctions: FunctionRow[];
  let yesterdaysCheck: Promise<string[]>;
  const dir = mkdtempSync(join(tmpdir(), 'usersync-sql-functions-'));
  beforeAll(async () => {
    upgraded = await openTestDatabase(kind, { migrate: false });
    await migrateLikeYesterday(upgraded.db);
    yesterdaysFunctions = await usersyncFunctions(upgraded.db);
    yesterdaysCheck = prepareSchema(upgraded.db, { apply: false, database: 'yesterday' });
    await yesterdaysCheck.catch(() => undefined);
    upgradeApplied = await migrateToLatest(upgraded.db);
  });
  afterAll(async () => {
    await upgraded?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a fresh database holds exactly the files’ functions, each body as its file has it', async () => {
    const functions = await usersyncFunctions(use().db);
    expect(functions.map((f) => f.name).sort()).toEqual(SQL_FUNCTIONS.map((f) => f.name).sort());
    for (const fn of SQL_FUNCTIONS) {
      expect(functions.find((f) => f.name === fn.name)?.body, fn.name).toBe(bodyOf(fn));
    }
  });

  it('a database migrated by yesterday’s chain upgrades to the same definitions as a fresh one', async () => {
    // Yesterday's database had the functions as the migrations left them (other texts), all still here.
    expect((await usersyncFunctions(use().db)).map((f) => f.signature)).toEqual(
      expect.arrayContaining(yesterdaysFunctions.map((f) => f.signature)),
    );
    expect(
      yesterdaysFunctions.some((f) => f.body !== bodyOf(SQL_FUNCTIONS.find((s) => s.name === f.name)!)),
    ).toBe(true);
    // No table migration pending, every file new: reported pending, then each installed and reported.
    await expect(yesterdaysCheck).rejects.toThrow(
      `yesterday has ${SQL_FUNCTIONS.length} pending migrations (db/usersync_touch_updated_at.sql, `,
    );
    expect(upgradeApplied).toEqual((await sqlFunctionStatus(upgraded.db)).map((s) => s.name));
    expect(upgradeApplied).toHaveLength(SQL_FUNCTIONS.length);
    expect(await usersyncFunctions(upgraded.db)).toEqual(await usersyncFunctions(use().db));
  });

  it('running again is a no-op: checksums unchanged, nothing installed, nothing pending', async () => {
    const before = await sqlFunctionStatus(use().db);
    expect(before.every((s) => s.appliedAt instanceof Date)).toBe(true);
    expect(await migrateToLatest(use().db)).toEqual([]);
    expect(await prepareSchema(use().db, { apply: false, database: 'the test db' })).toEqual([]);
    expect(await sqlFunctionStatus(use().db)).toEqual(before);
  });

  it('a changed file is installed again (and only it)', async () => {
    const { db } = upgraded;
    const changed = editedCopy(dir, organizationOutcomeFunction, (text) =>
      text.replace('BEGIN\n', 'BEGIN\n  -- changed\n'),
    );
    const functions = withReplaced(changed);
    const installed = await db
      .transaction()
      .execute((trx) => installSqlFunctions(trx, { reinstallAll: false, functions }));
    expect(installed).toEqual([expect.stringMatching(/usersync_organization_outcome\.sql$/)]);
    const [row] = (await usersyncFunctions(db)).filter((f) => f.name === changed.name);
    expect(row?.body).toBe(bodyOf(changed));
    expect(
      await db.transaction().execute((trx) => installSqlFunctions(trx, { reinstallAll: false, functions })),
    ).toEqual([]);
  });

  it('a changed result type replaces the function (DROP, CREATE); changed argument types leave no old overload', async () => {
    const { db } = upgraded;
    const newResult = editedCopy(dir, userUpsertStatusFunction, (text) =>
      text.replace('OUT reason text', 'OUT reason text, OUT detail text'),
    );
    await db
      .transaction()
      .execute((trx) =>
        installSqlFunctions(trx, { reinstallAll: false, functions: withReplaced(newResult) }),
      );
    expect((await usersyncFunctions(db)).filter((f) => f.name === newResult.name)).toEqual([
      expect.objectContaining({ definition: expect.stringContaining('OUT detail text') }),
    ]);

    const newArguments = editedCopy(dir, organizationOutcomeFunction, (text) =>
      text.replace('p_noun text', 'p_noun character varying'),
    );
    await db
      .transaction()
      .execute((trx) =>
        installSqlFunctions(trx, { reinstallAll: false, functions: withReplaced(newArguments) }),
      );
    expect(
      (await usersyncFunctions(db)).filter((f) => f.name === newArguments.name).map((f) => f.signature),
    ).toEqual(['usersync_organization_outcome(text,character varying)']);
  });

  it('a function whose file is gone is dropped', async () => {
    const { db } = upgraded;
    const remaining = SQL_FUNCTIONS.filter((fn) => fn !== applyClerkOrganizationInvitationUpsertFunction);
    await db
      .transaction()
      .execute((trx) => installSqlFunctions(trx, { reinstallAll: false, functions: remaining }));
    const names = (await usersyncFunctions(db)).map((f) => f.name);
    expect(names).not.toContain(applyClerkOrganizationInvitationUpsertFunction.name);
    expect(names).toHaveLength(SQL_FUNCTIONS.length - 1);
  });

  it.runIf(kind === 'postgres')(
    'two replicas migrating an empty database at once: one does everything, the other nothing',
    async () => {
      const empty = await openTestDatabase('postgres', { migrate: false });
      try {
        const results = await Promise.all([
          migrateToLatest(empty.db),
          migrateToLatest(empty.openAnotherConnection()),
        ]);
        const all = [
          ...Object.keys(TABLE_MIGRATIONS),
          ...(await sqlFunctionStatus(empty.db)).map((s) => s.name),
        ];
        expect(results).toEqual(expect.arrayContaining([all, []]));
        expect(await usersyncFunctions(empty.db)).toEqual(await usersyncFunctions(use().db));
      } finally {
        await empty.close();
      }
    },
  );
});
