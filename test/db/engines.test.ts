import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { connectDatabase } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { FormClient, $ } from '../helpers/app.ts';
import { engines, openTestDatabase, POSTGRES_URL, type TestDatabase } from '../helpers/databases.ts';

for (const engine of engines) {
  describe.skipIf(engine.skip !== null)(`${engine.name}${engine.skip ? ` (skipped: ${engine.skip})` : ''}`, () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await openTestDatabase(engine.name);
    });
    afterAll(async () => database?.dispose());

    const appOn = async () => {
      const app = await buildApp({
        config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: database.url }),
        database,
      });
      await app.ready();
      return app;
    };
    const feedbackCount = async () =>
      Number(
        (
          await database.db
            .selectFrom('content_feedback')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('runs the migrations once: a second run has nothing to do', async () => {
      expect(await migrateToLatest(database)).toEqual([]);
      const tables = await database.db.introspection.getTables();
      expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['sessions', 'content_feedback']));
    });

    it('reports the database in /health', async () => {
      const app = await appOn();
      const res = await app.inject('/health');
      expect(res.json()).toEqual({ status: 'ok', database: { status: 'ok', dialect: engine.name } });
      await app.close();
    });

    it('stores feedback only with a valid CSRF token and a valid form', async () => {
      const app = await appOn();
      const client = new FormClient(app);
      const before = await feedbackCount();
      const csrf = await client.csrf('/feedback?page=/what-is-qts');

      const forged = await client.post('/feedback', { useful: 'yes' }, 'not-the-token');
      expect(forged.statusCode).toBe(403);
      expect($(forged)('h1').text()).toBe('Your form could not be sent');

      const invalid = await client.post('/feedback', { page: '/what-is-qts', comment: 'x' }, csrf);
      expect(invalid.statusCode).toBe(400);
      expect($(invalid)('.govuk-error-summary a').attr('href')).toBe('#useful');
      expect($(invalid)('.govuk-error-summary').text()).toContain('Select yes if this service was useful');
      expect($(invalid)('textarea#comment').text()).toBe('x');
      expect(await feedbackCount()).toBe(before);

      const ok = await client.post('/feedback', { page: '/what-is-qts', useful: 'no', comment: 'More on fees' }, csrf);
      expect(ok.statusCode).toBe(303);
      expect(ok.headers.location).toBe('/feedback/thank-you');
      const rows = await database.db
        .selectFrom('content_feedback')
        .selectAll()
        .where('comment', '=', 'More on fees')
        .execute();
      expect(rows).toEqual([expect.objectContaining({ page_path: '/what-is-qts', useful: 0 })]);
      await app.close();
    });

    it('keeps a session across a restart of the service (a second process on the same database)', async () => {
      const first = await appOn();
      const client = new FormClient(first);
      const token = await client.csrf('/feedback');
      await first.close();
      const second = await appOn();
      const again = new FormClient(second);
      again.cookie = client.cookie;
      expect(await again.csrf('/feedback')).toBe(token);
      await second.close();
    });

    it('stores sessions by a hash of the cookie, never the cookie itself', async () => {
      const app = await appOn();
      const client = new FormClient(app);
      await client.csrf('/feedback');
      const token = client.cookie.split('=')[1]!;
      const rows = await database.db.selectFrom('sessions').select('id').execute();
      expect(rows.some((r) => r.id === token)).toBe(false);
      expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.id))).toBe(true);
      await app.close();
    });
  });
}

describe.skipIf(engines.find((e) => e.name === 'postgres')!.skip !== null)(
  'PostgreSQL: migrations beside other clients',
  () => {
    it('a service starts on its own schema while other clients create and drop theirs', async () => {
      // Other services, test runs or people work in the same database and drop their schemas.
      const others = await connectDatabase(POSTGRES_URL, { poolSize: 2 });
      let stop = false;
      const churn = async () => {
        while (!stop) {
          const schema = sql.id(`other_${randomBytes(4).toString('hex')}`);
          await sql`create schema ${schema}`.execute(others.db);
          await sql`create table ${schema}.kysely_migration (name text, timestamp text)`.execute(others.db);
          await sql`drop schema ${schema} cascade`.execute(others.db);
        }
      };
      const churning = [churn(), churn()];
      const failures: string[] = [];
      try {
        for (let start = 0; start < 6; start++) {
          const schema = `start_${randomBytes(4).toString('hex')}`;
          const handle = await connectDatabase(POSTGRES_URL, { schema, poolSize: 2 });
          try {
            const applied = await migrateToLatest(handle);
            expect(applied[0]).toBe('0001-foundation');
          } catch (error) {
            failures.push(String(error));
          } finally {
            await sql`drop schema ${sql.id(schema)} cascade`.execute(handle.db);
            await handle.close();
          }
        }
      } finally {
        stop = true;
        await Promise.all(churning);
        await others.close();
      }
      expect(failures).toEqual([]);
    }, 120_000);
  },
);

describe('SQLite durability settings', () => {
  it('sets WAL, synchronous=FULL, foreign keys and a busy timeout on every open', async () => {
    const database = await openTestDatabase('sqlite');
    await database.close();
    // Reopen: after a restart on a WAL file SQLite would report NORMAL unless we set FULL again.
    const again = await connectDatabase(database.url);
    const pragma = async (name: string) =>
      Object.values((await sql.raw(`pragma ${name}`).execute(again.db)).rows[0] as object)[0];
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('synchronous')).toBe(2);
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('busy_timeout')).toBe(5000);
    await again.close();
    await database.dispose().catch(() => undefined);
  });
});
