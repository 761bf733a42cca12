import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { sql } from 'kysely';
import { connectDatabase, type DatabaseHandle } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';

/**
 * The engines every database test runs on: SQLite always; PostgreSQL when reachable.
 * In CI (CI=true) PostgreSQL must be reachable: its tests are then never skipped, and
 * an unreachable server fails them.
 */
export const POSTGRES_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const inCi = process.env['CI'] === 'true';

async function postgresReachable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const unreachable = await postgresReachable();

export interface Engine {
  name: 'sqlite' | 'postgres';
  /** Why this engine's tests are skipped here; never set in CI. */
  skip: string | null;
}

export const engines: Engine[] = [
  { name: 'sqlite', skip: null },
  { name: 'postgres', skip: unreachable && !inCi ? `PostgreSQL unreachable at ${POSTGRES_URL}: ${unreachable}` : null },
];

export interface TestDatabase extends DatabaseHandle {
  url: string;
  /** Closes the connection and removes the database (file or schema). */
  dispose(): Promise<void>;
}

/** A fresh, migrated database of the given engine: a temporary SQLite file or a new PostgreSQL schema. */
export async function openTestDatabase(engine: Engine['name']): Promise<TestDatabase> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'iqts-test-'));
    const url = `sqlite:${join(dir, 'test.sqlite')}`;
    const handle = await connectDatabase(url);
    await migrateToLatest(handle);
    return {
      ...handle,
      url,
      dispose: async () => {
        await handle.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const handle = await connectDatabase(POSTGRES_URL, { schema, poolSize: 5 });
  await migrateToLatest(handle);
  return {
    ...handle,
    url: POSTGRES_URL,
    dispose: async () => {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(handle.db);
      await handle.close();
    },
  };
}
