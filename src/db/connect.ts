import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteAdapter,
  SqliteDriver,
  SqliteIntrospector,
  SqliteQueryCompiler,
  sql,
  type DatabaseConnection,
  type Dialect as KyselyDialect,
} from 'kysely';
import pg from 'pg';
import { fromRoot } from '../shared/paths.ts';
import { namingPool } from './prepared.ts';
import type { Database } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: Dialect;
  /** PostgreSQL: the schema in use, when not the default. */
  schema?: string;
  /** Checks the connection answers; used by /health. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** PostgreSQL only: a schema to use (created if missing), so test runs do not collide. */
  schema?: string;
  poolSize?: number;
}

export function sqlitePath(url: string): string {
  const path = url.slice('sqlite:'.length);
  if (path === ':memory:') return path;
  return isAbsolute(path) ? path : fromRoot(path);
}

/** Opens SQLite with the durability settings we ship. Set on every open: WAL reverts synchronous to NORMAL. */
export function openSqlite(path: string): SqliteDatabase.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new SqliteDatabase(path);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  // A 32 MB page cache (SQLite's own default is 2 MB): a search's index pages stay in memory
  // instead of being read from the operating system's cache page by page. Filled only as used.
  database.pragma('cache_size = -32768');
  return database;
}

/**
 * Transactions take SQLite's write lock when they begin (BEGIN IMMEDIATE), waiting up to the
 * busy timeout. A deferred transaction that reads and then writes fails at once with
 * SQLITE_BUSY when another process (a command run beside the service) wrote in between.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/**
 * SQLite runs schema changes inside transactions; Kysely's adapter says it does not, so its
 * migrator ran each statement on its own. Saying so runs every pending migration in one
 * transaction: all of them apply or none (a failed start no longer leaves a half-built
 * schema), with one sync to disk instead of one a statement (143 on a new database).
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/** How many prepared statements SQLite keeps: the service's queries, with room for IN lists of many lengths. */
const STATEMENT_CACHE_SIZE = 1000;

/**
 * Each SQL text is prepared once and the statement reused: Kysely asks the driver to prepare
 * every query it runs, and preparing costs more than running a short query. Least recently
 * used statements are let go beyond the cache size.
 */
export function preparedOnce(database: SqliteDatabase.Database, size = STATEMENT_CACHE_SIZE) {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    prepare(text: string): SqliteDatabase.Statement {
      let statement = statements.get(text);
      if (statement) statements.delete(text);
      else {
        statement = database.prepare(text);
        if (statements.size >= size) statements.delete(statements.keys().next().value!);
      }
      statements.set(text, statement);
      return statement;
    },
    close: () => {
      statements.clear();
      database.close();
    },
  };
}

function sqliteDialect(database: SqliteDatabase.Database): KyselyDialect {
  return {
    createAdapter: () => new TransactionalDdlSqliteAdapter(),
    createDriver: () => new ImmediateSqliteDriver({ database: preparedOnce(database) }),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  };
}

export async function connectDatabase(url: string, options: ConnectOptions = {}): Promise<DatabaseHandle> {
  if (url.startsWith('sqlite:')) {
    const database = openSqlite(sqlitePath(url));
    const db = new Kysely<Database>({ dialect: sqliteDialect(database) });
    return {
      db,
      dialect: 'sqlite',
      ping: async () => {
        try {
          database.prepare('select 1').get();
          return true;
        } catch {
          return false;
        }
      },
      close: () => db.destroy(),
    };
  }

  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5000,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // An idle client's error (server restart) must not crash the process.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: namingPool(pool) }) });
  if (options.schema) {
    if (!/^[a-z_][a-z0-9_]*$/.test(options.schema)) throw new Error('Invalid schema name');
    await sql`create schema if not exists ${sql.id(options.schema)}`.execute(db);
  }
  return {
    db,
    dialect: 'postgres',
    ...(options.schema ? { schema: options.schema } : {}),
    ping: async () => {
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    close: () => db.destroy(),
  };
}
