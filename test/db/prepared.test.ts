import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREPARED } from '../../src/db/prepared.ts';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.ts';

/**
 * The hot paths' statements are marked PREPARED: on PostgreSQL they are parsed and planned
 * once on each connection; everywhere they answer exactly as the same query unmarked.
 */
for (const engine of engines) {
  describe.skipIf(engine.skip !== null)(`${engine.name}${engine.skip ? ` (skipped: ${engine.skip})` : ''}`, () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await openTestDatabase(engine.name);
      await database.db
        .insertInto('users')
        .values(
          ['b', 'a', 'c'].map((x) => ({
            email: `${x}.prepared@example.org`,
            name: null,
            role: 'candidate',
            is_sample: 0,
            created_at: '2026-11-30T12:00:00.000Z',
            last_signed_in_at: null,
          })),
        )
        .execute();
    });
    afterAll(async () => database?.dispose());

    const users = (marked: boolean) => {
      const q = database.db
        .selectFrom('users')
        .select(['email', 'role'])
        .where('email', 'like', '%.prepared@example.org')
        .orderBy('email');
      return (marked ? q.modifyEnd(PREPARED) : q).execute();
    };

    it('a marked query answers as the same query unmarked, run again and again', async () => {
      const plain = await users(false);
      expect(plain.map((u) => u.email)).toEqual([
        'a.prepared@example.org',
        'b.prepared@example.org',
        'c.prepared@example.org',
      ]);
      for (let i = 0; i < 8; i++) expect(await users(true)).toEqual(plain);
    });

    if (engine.name === 'postgres')
      it('on PostgreSQL a marked query is a prepared statement of its connection; an unmarked one is not', async () => {
        // One transaction holds one connection: the statements it prepared are listed there.
        const listed = await database.db.transaction().execute(async (trx) => {
          await trx.selectFrom('users').select('email').where('id', '=', -1).modifyEnd(PREPARED).execute();
          await trx.selectFrom('users').select('name').where('id', '=', -2).execute();
          return (await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(trx)).rows.map(
            (r) => r.statement,
          );
        });
        expect(listed.some((s) => s.startsWith('select "email" from "users"') && s.endsWith('/* prepared */'))).toBe(
          true,
        );
        expect(listed.some((s) => s.startsWith('select "name" from "users"'))).toBe(false);
      });
  });
}
