import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { restoreDatabase } from '../../src/db/backup.ts';
import { connectDatabase, type DatabaseHandle } from '../../src/db/connect.ts';
import { integrityProblems, rowCounts } from '../../src/db/integrity.ts';
import { sendSignInCode } from '../../src/features/accounts/sign-in.ts';
import { loadReferenceProviders } from '../../src/features/providers/reference-data.ts';
import { engines, openTestDatabase, POSTGRES_URL, type TestDatabase } from '../helpers/databases.ts';
import { runScript } from './real-processes.ts';

/**
 * `npm run db:backup` while the service writes, then `npm run db:restore` into a fresh
 * database: the copy is whole (integrity check) and is one moment's snapshot (every
 * code has its email); backed up at rest, every table's row count matches.
 */
for (const engine of engines) {
  describe.skipIf(engine.skip)(`backup and restore (${engine.name})`, () => {
    let source: TestDatabase;
    let dir: string;
    let target: { env: Record<string, string>; open: () => Promise<DatabaseHandle>; drop: () => Promise<void> };
    const sourceEnv = () => ({
      DATABASE_URL: source.url,
      ...(source.schema ? { DATABASE_SCHEMA: source.schema } : {}),
    });

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'iqts-backup-'));
      source = await openTestDatabase(engine.name);
      await loadReferenceProviders(source.db);
      if (engine.name === 'sqlite') {
        const url = `sqlite:${join(dir, 'restored', 'iqts.sqlite')}`;
        mkdirSync(join(dir, 'restored'));
        target = {
          env: { DATABASE_URL: url },
          open: () => connectDatabase(url),
          drop: async () => undefined,
        };
      } else {
        // A fresh database on the same server, restored into under the same schema name.
        const name = `iqts_restore_${randomBytes(5).toString('hex')}`;
        await sql`create database ${sql.id(name)}`.execute(source.db);
        const url = new URL(POSTGRES_URL);
        url.pathname = `/${name}`;
        target = {
          env: { DATABASE_URL: url.toString(), DATABASE_SCHEMA: source.schema! },
          open: () => connectDatabase(url.toString(), { schema: source.schema!, poolSize: 2 }),
          drop: async () => {
            await sql`drop database if exists ${sql.id(name)} with (force)`.execute(source.db);
          },
        };
      }
    });
    afterAll(async () => {
      await target?.drop();
      await source?.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    const codes = async (db: DatabaseHandle) => {
      const counts = await rowCounts(db);
      return { codes: counts['sign_in_codes'] ?? 0, emails: counts['outbox'] ?? 0 };
    };

    it('backs up while codes are being issued, restores into a fresh database, and the copy is whole and consistent', async () => {
      // The write load: several writers, each issuing codes (a code and its email in one transaction).
      let writing = true;
      let written = 0;
      const writer = async (n: number) => {
        for (let i = 0; writing; i++) {
          await sendSignInCode(source.db, {
            email: `writer${n}.${i}@example.org`,
            ip: `10.${n}.${Math.floor(i / 200)}.${i % 200}`,
            secret: 'development-only-secret-not-for-production-use',
            serviceUrl: 'http://localhost',
          });
          written++;
          // Let timers and the backup's child process run: SQLite answers without waiting for I/O.
          await new Promise((resolve) => setImmediate(resolve));
        }
      };
      const writers = Array.from({ length: 4 }, (_, n) => writer(n));
      while (written < 100) await new Promise((resolve) => setTimeout(resolve, 20));
      const before = await codes(source);
      const file = join(dir, `backup-under-load.${engine.name === 'sqlite' ? 'sqlite' : 'dump'}`);
      const backup = await runScript('db-backup.ts', [file], sourceEnv());
      const after = await codes(source);
      writing = false;
      await Promise.all(writers);
      expect(backup.stderr).toBe('');
      expect(backup.code).toBe(0);
      expect(backup.stdout).toContain(`to ${file}`);
      expect(after.codes).toBeGreaterThan(before.codes);

      const restore = await runScript('db-restore.ts', [file], target.env);
      expect(restore.stderr).toBe('');
      expect(restore.code).toBe(0);
      expect(restore.stdout).toContain('integrity check passed');
      const restored = await target.open();
      try {
        expect(await integrityProblems(restored)).toEqual([]);
        const copy = await codes(restored);
        // One moment's snapshot: every code came with its email, and it fell between the two counts.
        expect(copy.codes).toBe(copy.emails);
        expect(copy.codes).toBeGreaterThanOrEqual(before.codes);
        expect(copy.codes).toBeLessThanOrEqual(after.codes);
        const untouched = (counts: Record<string, number>) =>
          Object.fromEntries(Object.entries(counts).filter(([table]) => !['sign_in_codes', 'outbox'].includes(table)));
        expect(untouched(await rowCounts(restored))).toEqual(untouched(await rowCounts(source)));
        console.log(
          `backup under load (${engine.name}): ${written} codes written by 4 writers; backup holds ${copy.codes} codes ` +
            `and ${copy.emails} emails (between ${before.codes} and ${after.codes}); integrity ok`,
        );
      } finally {
        await restored.close();
      }
    }, 180_000);

    it('a backup taken at rest restores with every table’s row count identical', async () => {
      const file = join(dir, `backup-at-rest.${engine.name === 'sqlite' ? 'sqlite' : 'dump'}`);
      expect((await runScript('db-backup.ts', [file], sourceEnv())).code).toBe(0);
      const restore = await runScript('db-restore.ts', [file], target.env);
      expect(restore.stderr).toBe('');
      expect(restore.code).toBe(0);
      if (engine.name === 'sqlite') expect(restore.stdout).toContain('The database it replaced is kept at');
      const restored = await target.open();
      try {
        const counts = await rowCounts(restored);
        expect(counts).toEqual(await rowCounts(source));
        expect(await integrityProblems(restored)).toEqual([]);
        const tables = Object.keys(counts).length;
        const rows = Object.values(counts).reduce((a, b) => a + b, 0);
        console.log(`backup at rest (${engine.name}): ${tables} tables, ${rows} rows, identical counts; integrity ok`);
      } finally {
        await restored.close();
      }
    }, 180_000);

    it('refuses a file that is not a backup, and changes nothing', async () => {
      const restored = await target.open();
      const countsBefore = await rowCounts(restored);
      await restored.close();
      const junk = join(dir, 'notes.txt');
      writeFileSync(junk, 'not a database\n'.repeat(100));
      const refused = await runScript('db-restore.ts', [junk], target.env);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        engine.name === 'sqlite'
          ? /notes\.txt is not a valid SQLite database: nothing was changed/
          : /notes\.txt is not a PostgreSQL backup made by db:backup .*: nothing was changed/,
      );
      await expect(restoreDatabase(loadConfig(target.env), join(dir, 'missing.sqlite'))).rejects.toThrow(
        `There is no backup file at ${join(dir, 'missing.sqlite')}`,
      );
      const after = await target.open();
      try {
        expect(await rowCounts(after)).toEqual(countsBefore);
      } finally {
        await after.close();
      }
    }, 120_000);

    // SQLite only: a file that can be damaged and held open. Defined only there, so nothing is skipped.
    if (engine.name === 'sqlite')
      it('SQLite: refuses a damaged backup, and refuses to replace a database the service has open', async () => {
        const good = join(dir, 'backup-at-rest.sqlite');
        const damaged = join(dir, 'damaged.sqlite');
        const bytes = readFileSync(good);
        const pageSize = bytes.readUInt16BE(16);
        // Scribble over the middle pages, keeping the header: it still opens as SQLite, but is not whole.
        const pages = Math.floor(statSync(good).size / pageSize);
        for (let page = 2; page < pages - 1; page += 2) bytes.fill(0x5a, page * pageSize + 8, page * pageSize + 200);
        writeFileSync(damaged, bytes);
        const refused = await runScript('db-restore.ts', [damaged], target.env);
        expect(refused.code).toBe(1);
        expect(refused.stderr).toMatch(/damaged\.sqlite (failed its integrity check|is not a valid SQLite database)/);
        expect(refused.stderr).toContain('nothing was changed');

        // The source database is open in this process, as it would be in the running service.
        const inUse = await runScript('db-restore.ts', [good], sourceEnv());
        expect(inUse.code).toBe(1);
        expect(inUse.stderr).toContain('is in use: stop the service (every process) before restoring');
        expect(await integrityProblems(source)).toEqual([]);
      }, 120_000);
  });
}
