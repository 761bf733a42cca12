import { execFile } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import type { Config } from '../config.ts';
import { connectDatabase, sqlitePath } from './connect.ts';
import { integrityProblems, rowCounts } from './integrity.ts';

/**
 * Backing up and restoring the service's database (`npm run db:backup -- FILE`,
 * `npm run db:restore -- FILE`), for the database the service's own settings name.
 *
 * SQLite: the backup is SQLite's online backup, safe while the service runs and writes:
 * it copies a consistent snapshot. A restore replaces the database file, only while the
 * service is stopped, and only with a file that is a sound SQLite database of this service.
 * The database it replaces is kept beside it.
 *
 * PostgreSQL: `pg_dump -Fc` of the configured database (or its DATABASE_SCHEMA), and
 * `pg_restore --clean` in one transaction, so a restore that fails changes nothing.
 */

/** A refusal or failure to show the operator as it is, without a stack trace. */
export class BackupError extends Error {
  override name = 'BackupError';
}

export interface BackupSummary {
  file: string;
  bytes: number;
  /** Rows per table in the database the restore produced. */
  counts?: Record<string, number>;
  /** SQLite: where the database that was replaced was kept. */
  previous?: string;
}

const run = promisify(execFile);

/**
 * Settings for pg_dump and pg_restore, from DATABASE_URL, given in the environment so the
 * password is not on a command line.
 */
export function libpqEnvironment(url: string): NodeJS.ProcessEnv {
  const parsed = new URL(url);
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (parsed.hostname) env['PGHOST'] = decodeURIComponent(parsed.hostname);
  if (parsed.port) env['PGPORT'] = parsed.port;
  if (parsed.username) env['PGUSER'] = decodeURIComponent(parsed.username);
  if (parsed.password) env['PGPASSWORD'] = decodeURIComponent(parsed.password);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (database) env['PGDATABASE'] = database;
  const sslmode = parsed.searchParams.get('sslmode');
  if (sslmode) env['PGSSLMODE'] = sslmode;
  return env;
}

const databaseName = (url: string): string => {
  const parsed = new URL(url);
  return decodeURIComponent(parsed.pathname.replace(/^\//, '')) || decodeURIComponent(parsed.username) || 'postgres';
};

async function postgresTool(tool: 'pg_dump' | 'pg_restore', args: string[], url: string): Promise<string> {
  try {
    const { stdout } = await run(tool, args, { env: libpqEnvironment(url), maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT')
      throw new BackupError(
        `${tool} is not installed: install Debian's postgresql-client (node scripts/setup.mjs does this as root)`,
      );
    throw new BackupError(`${tool} failed: ${(e.stderr ?? e.message).trim().split('\n').slice(0, 5).join('\n')}`);
  }
}

/** Writes to a file in place only once it is complete and on disk. */
function publish(partial: string, file: string): void {
  const fd = openSync(partial, 'r');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(partial, file);
  syncDirectory(dirname(file));
}

function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    fsyncSync(fd);
    closeSync(fd);
  } catch {
    // Some file systems cannot sync a directory; the rename is still atomic.
  }
}

const partialName = (file: string) => `${file}.partial-${process.pid}`;

export async function backupDatabase(config: Config, file: string): Promise<BackupSummary> {
  if (!existsSync(dirname(file))) throw new BackupError(`The folder ${dirname(file)} does not exist`);
  const partial = partialName(file);
  try {
    if (config.databaseUrl.startsWith('sqlite:')) await backupSqlite(sqlitePath(config.databaseUrl), partial);
    else {
      const args = ['--format=custom', `--file=${partial}`];
      if (config.databaseSchema) args.push(`--schema=${config.databaseSchema}`);
      await postgresTool('pg_dump', args, config.databaseUrl);
    }
    publish(partial, file);
  } finally {
    rmSync(partial, { force: true });
  }
  return { file, bytes: statSync(file).size };
}

async function backupSqlite(path: string, partial: string): Promise<void> {
  if (path === ':memory:' || !existsSync(path)) throw new BackupError(`There is no SQLite database at ${path}`);
  const source = new SqliteDatabase(path, { fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    // All pages in one step: one read transaction, so the copy is a snapshot of one moment
    // even while the service writes (in steps, each write would start the copy again).
    await source.backup(partial, { progress: () => 0x7fffffff });
  } finally {
    source.close();
  }
  const copy = new SqliteDatabase(partial, { fileMustExist: true });
  try {
    // One self-contained file, easy to move; the service turns WAL back on when it opens it.
    copy.pragma('journal_mode = DELETE');
    const check = copy.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new BackupError(`The backup failed its integrity check: ${String(check)}`);
  } finally {
    copy.close();
  }
}

export async function restoreDatabase(config: Config, file: string): Promise<BackupSummary> {
  if (!existsSync(file) || !statSync(file).isFile()) throw new BackupError(`There is no backup file at ${file}`);
  let previous: string | undefined;
  if (config.databaseUrl.startsWith('sqlite:')) previous = restoreSqlite(sqlitePath(config.databaseUrl), file);
  else await restorePostgres(config, file);

  // What was restored, checked as the service would open it.
  const handle = await connectDatabase(
    config.databaseUrl,
    config.databaseSchema ? { schema: config.databaseSchema, poolSize: 1 } : { poolSize: 1 },
  );
  try {
    const problems = await integrityProblems(handle);
    if (problems.length) throw new BackupError(`The restored database has problems:\n${problems.join('\n')}`);
    return {
      file,
      bytes: statSync(file).size,
      counts: await rowCounts(handle),
      ...(previous ? { previous } : {}),
    };
  } finally {
    await handle.close();
  }
}

/** Checks a backup file before it replaces anything: a sound SQLite database that the service's migrations made. */
function checkSqliteBackup(path: string, shownAs: string): void {
  let copy: SqliteDatabase.Database | undefined;
  try {
    copy = new SqliteDatabase(path, { fileMustExist: true });
    const check = copy.pragma('integrity_check', { simple: true });
    if (check !== 'ok')
      throw new BackupError(`${shownAs} failed its integrity check (${String(check)}): nothing was changed`);
    const migrations = copy
      .prepare("select count(*) as n from sqlite_master where type = 'table' and name = 'kysely_migration'")
      .get() as { n: number };
    if (migrations.n !== 1)
      throw new BackupError(`${shownAs} is not a backup of this service's database: nothing was changed`);
  } catch (error) {
    if (error instanceof BackupError) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT')
      throw new BackupError(`${shownAs} is not a valid SQLite database: nothing was changed`);
    throw new BackupError(
      `${shownAs} could not be read as a SQLite database (${(error as Error).message}): nothing was changed`,
    );
  } finally {
    copy?.close();
  }
}

function restoreSqlite(target: string, file: string): string | undefined {
  if (target === ':memory:')
    throw new BackupError('DATABASE_URL names an in-memory database: there is nothing to restore into');
  if (!existsSync(dirname(target))) throw new BackupError(`The folder ${dirname(target)} does not exist`);
  const incoming = `${target}.restoring-${process.pid}`;
  try {
    copyFileSync(file, incoming);
    checkSqliteBackup(incoming, file);
    if (existsSync(target)) assertNotInUse(target);
    let previous: string | undefined;
    if (existsSync(target)) {
      previous = `${target}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      renameSync(target, previous);
    }
    for (const leftover of ['-wal', '-shm', '-journal']) rmSync(`${target}${leftover}`, { force: true });
    publish(incoming, target);
    return previous;
  } finally {
    rmSync(incoming, { force: true });
  }
}

/**
 * Refuses while any process has the database open. The service keeps it in WAL mode, and
 * SQLite lets a database leave WAL mode only when no other connection has it open, so
 * asking for that (without waiting) answers the question; it also folds the WAL file
 * into the database, which is kept as the previous copy.
 */
function assertNotInUse(target: string): void {
  let current: SqliteDatabase.Database | undefined;
  try {
    current = new SqliteDatabase(target, { fileMustExist: true });
    current.pragma('busy_timeout = 0');
    current.pragma('journal_mode = DELETE');
  } catch (error) {
    if (
      (error as { code?: string }).code?.startsWith('SQLITE_BUSY') ||
      (error as { code?: string }).code === 'SQLITE_LOCKED'
    )
      throw new BackupError(
        `The database ${target} is in use: stop the service (every process) before restoring. Nothing was changed`,
      );
    // The current file is damaged: that is often why one restores. Replace it all the same.
  } finally {
    current?.close();
  }
}

async function restorePostgres(config: Config, file: string): Promise<void> {
  let listing: string;
  try {
    listing = await postgresTool('pg_restore', ['--list', file], config.databaseUrl);
  } catch (error) {
    if (error instanceof BackupError && error.message.includes('not installed')) throw error;
    throw new BackupError(`${file} is not a PostgreSQL backup made by db:backup (pg_dump -Fc): nothing was changed`);
  }
  if (config.databaseSchema && !new RegExp(`^\\d+; \\d+ \\d+ SCHEMA - ${config.databaseSchema} `, 'm').test(listing))
    throw new BackupError(
      `${file} does not hold the schema ${config.databaseSchema} named by DATABASE_SCHEMA: nothing was changed`,
    );
  await postgresTool(
    'pg_restore',
    [
      '--clean',
      '--if-exists',
      '--no-owner',
      '--single-transaction',
      '--exit-on-error',
      // Without a database to restore into, pg_restore would only print the SQL.
      `--dbname=${databaseName(config.databaseUrl)}`,
      file,
    ],
    config.databaseUrl,
  ).catch((error: unknown) => {
    throw new BackupError(`${(error as Error).message}\nThe restore ran in one transaction: nothing was changed`);
  });
}
