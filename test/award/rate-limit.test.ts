import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type DatabaseHandle } from '../../src/db/connect.ts';
import { countRequest } from '../../src/db/rate-limits.ts';
import { engines, openTestDatabase, POSTGRES_URL, type TestDatabase } from '../helpers/databases.ts';

/**
 * The public check's limiter lives in the database: two services sharing it (here, two
 * separate connection pools, as two processes have) count against one limit, exactly, even
 * when their requests interleave.
 */
for (const engine of engines) {
  describe.skipIf(engine.skip)(`the check's rate limiter (${engine.name})`, () => {
    let first: TestDatabase;
    let second: DatabaseHandle;
    beforeAll(async () => {
      first = await openTestDatabase(engine.name);
      if (engine.name === 'sqlite') second = await connectDatabase(first.url);
      else {
        // The same schema, through a second pool.
        const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(first.db)).rows[0]!.s;
        second = await connectDatabase(POSTGRES_URL, { schema, poolSize: 5 });
      }
    }, 60_000);
    afterAll(async () => {
      await second?.close();
      await first?.dispose();
    });

    it('two services sharing the database share one limit per address', async () => {
      const now = new Date('2027-07-10T10:00:05Z');
      const bucket = `check:192.0.2.${randomBytes(1)[0]}`;
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => countRequest(i % 2 ? first.db : second.db, bucket, 30, 600, now)),
      );
      expect(results.filter((r) => r.allowed)).toHaveLength(30);
      expect(results.filter((r) => !r.allowed)).toHaveLength(10);
      expect(results[0]!.retryAfter).toBe(595);
      // Another address has its own count; the next window starts again.
      expect((await countRequest(first.db, 'check:198.51.100.1', 30, 600, now)).allowed).toBe(true);
      const later = new Date('2027-07-10T10:10:00Z');
      expect((await countRequest(second.db, bucket, 30, 600, later)).allowed).toBe(true);
      const rows = await first.db.selectFrom('check_rate_limits').selectAll().where('bucket', '=', bucket).execute();
      expect(rows).toHaveLength(1);
    });
  });
}
