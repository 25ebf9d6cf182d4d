import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/describe-each-database.ts';
import {
  describeApplied,
  migrateDown,
  migrateToLatest,
  migrationStatus,
  PendingMigrationsError,
  prepareSchema,
} from './index.ts';

describeEachDatabase('migrations', (use) => {
  it('reports every migration applied, and latest is a no-op when up to date', async () => {
    const { db } = use();
    const status = await migrationStatus(db);
    expect(status.length).toBeGreaterThan(0);
    expect(status.every((m) => m.appliedAt instanceof Date)).toBe(true);
    expect(await migrateToLatest(db)).toEqual([]);
  });

  it('prepareSchema: refuses a pending migration when told not to apply, applies it when told to', async () => {
    const { db } = use();
    const [newest] = (await migrationStatus(db)).slice(-1);
    await migrateDown(db);
    const refused = prepareSchema(db, { apply: false, database: 'the test db' });
    await expect(refused).rejects.toBeInstanceOf(PendingMigrationsError);
    await expect(refused).rejects.toThrow(
      `the test db has 1 pending migration (${newest!.name}): run \`npm run db:migrate\`.`,
    );
    const applied = await prepareSchema(db, { apply: true, database: 'the test db' });
    expect(applied).toEqual([newest!.name]);
    expect(describeApplied(applied, 'the test db')).toBe(
      `Applied 1 migration to the test db: ${newest!.name}.`,
    );
    expect(await prepareSchema(db, { apply: false, database: 'the test db' })).toEqual([]);
    expect(describeApplied([], 'the test db')).toBe('the test db is up to date.');
  });

  it('goes down one step and up again, keeping the triggers working', async () => {
    const { db } = use();
    const [newest] = (await migrationStatus(db)).slice(-1);
    expect(await migrateDown(db)).toEqual([newest!.name]);
    expect((await migrationStatus(db)).at(-1)?.appliedAt).toBeNull();
    expect(await migrateToLatest(db)).toEqual([newest!.name]);
    // The user_settings trigger and updated_at trigger exist again.
    const inserted = await db
      .insertInto('users')
      .values({ clerk_id: 'user_trigger', role: 'member' })
      .returning(['id', 'updated_at'])
      .executeTakeFirstOrThrow();
    const settings = await db
      .selectFrom('user_settings')
      .selectAll()
      .where('user_id', '=', inserted.id)
      .execute();
    expect(settings).toMatchObject([{ theme: 'system' }]);
    await sql`SELECT pg_sleep(0.01)`.execute(db);
    const updated = await db
      .updateTable('users')
      .set({ first_name: 'x' })
      .where('id', '=', inserted.id)
      .returning('updated_at')
      .executeTakeFirstOrThrow();
    expect(updated.updated_at.getTime()).toBeGreaterThan(inserted.updated_at.getTime());
  });

  it('rejects values over the column limits in the database itself', async () => {
    const { db } = use();
    await expect(
      db
        .insertInto('users')
        .values({ clerk_id: 'user_long', role: 'member', email: 'x'.repeat(321) })
        .execute(),
    ).rejects.toThrow(/check constraint/);
    await expect(
      db.insertInto('invitations').values({ email: 'UPPER@example.com', role: 'admin' }).execute(),
    ).rejects.toThrow(/check constraint/);
  });
});
