import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Migrator, sql, type Migration } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../src/db/connect.ts';

/**
 * A transaction that reads and then writes must not fail because another connection (a
 * command run beside the service, such as `npm run seed:sample`) wrote in between: on SQLite
 * transactions begin IMMEDIATE, so the other writer waits for the lock instead.
 */
const dir = mkdtempSync(join(tmpdir(), 'iqts-sqlite-tx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite transactions beside another writer', () => {
  it('read, another connection writes meanwhile, then write: both writes land', async () => {
    const file = join(dir, 'tx.sqlite');
    const handle = await connectDatabase(`sqlite:${file}`);
    const db = handle.db as unknown as import('kysely').Kysely<{ notes: { text: string } }>;
    await sql`create table notes (text text not null)`.execute(db);
    // The other writer runs on its own thread with its own connection, as another process would.
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       const Database = require(workerData.driver);
       const other = new Database(workerData.file);
       other.pragma('busy_timeout = 5000');
       parentPort.on('message', () => {
         other.prepare("insert into notes (text) values ('from the other writer')").run();
         parentPort.postMessage('done');
       });`,
      { eval: true, workerData: { file, driver: createRequire(import.meta.url).resolve('better-sqlite3') } },
    );
    const otherDone = new Promise((resolve) => worker.once('message', resolve));
    await db.transaction().execute(async (trx) => {
      await trx.selectFrom('notes').selectAll().execute();
      worker.postMessage('write');
      await new Promise((resolve) => setTimeout(resolve, 300));
      await trx.insertInto('notes').values({ text: 'from the transaction' }).execute();
    });
    await otherDone;
    await worker.terminate();
    const rows = (await db.selectFrom('notes').select('text').execute()).map((r) => r.text).sort();
    expect(rows).toEqual(['from the other writer', 'from the transaction']);
    await handle.close();
  });
});

describe('SQLite migrations', () => {
  it('apply all together or not at all: a migration that fails leaves none of the run behind, and a fixed run then applies', async () => {
    const handle = await connectDatabase(`sqlite:${join(dir, 'migrations.sqlite')}`);
    const tables = async () =>
      (
        await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name like 'step_%'`.execute(
          handle.db,
        )
      ).rows.map((r) => r.name);
    const create = (name: string): Migration => ({
      up: async (db) => void (await db.schema.createTable(name).addColumn('id', 'integer').execute()),
    });
    const migrator = (third: Migration) =>
      new Migrator({
        db: handle.db,
        provider: { getMigrations: async () => ({ '1': create('step_one'), '2': create('step_two'), '3': third }) },
      });

    const failed = await migrator({
      up: async () => {
        throw new Error('the third step fails');
      },
    }).migrateToLatest();
    expect(String(failed.error)).toContain('the third step fails');
    expect(await tables()).toEqual([]);

    const fixed = await migrator(create('step_three')).migrateToLatest();
    expect(fixed.error).toBeUndefined();
    expect((await tables()).sort()).toEqual(['step_one', 'step_three', 'step_two']);
    await handle.close();
  });
});
