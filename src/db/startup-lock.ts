import { sql } from 'kysely';
import type { DatabaseHandle } from './connect.ts';

/** Advisory lock class (PostgreSQL) for preparing a schema at start. */
const STARTUP_LOCK = 7310;

/**
 * Runs the start-up work on the database (migrations, reference data) in one process at
 * a time. Several processes starting together on one PostgreSQL schema would otherwise
 * each see the reference data missing and each insert it. The lock is per schema, held by
 * one pooled connection for the duration, and released even when the work fails; a
 * process that dies releases it with its connection. SQLite runs one process.
 */
export async function withStartupLock<T>(handle: DatabaseHandle, work: () => Promise<T>): Promise<T> {
  if (handle.dialect !== 'postgres') return work();
  return handle.db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${STARTUP_LOCK}, hashtext(current_schema()))`.execute(connection);
    try {
      return await work();
    } finally {
      await sql`select pg_advisory_unlock(${STARTUP_LOCK}, hashtext(current_schema()))`.execute(connection);
    }
  });
}
