import { PostgresAdapter, type Kysely } from 'kysely';

export const isPostgres = (db: Kysely<any>): boolean => db.getExecutor().adapter instanceof PostgresAdapter;

/** An auto-numbered primary key: serial on PostgreSQL, SQLite's rowid alias otherwise. */
export const serialType = (db: Kysely<any>) => (isPostgres(db) ? 'serial' : 'integer') as 'integer';
