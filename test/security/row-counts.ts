import { sql } from 'kysely';
import type { TestDatabase } from '../helpers/databases.ts';

export type RowCounts = Record<string, number>;

/**
 * Counts the rows of every table of the service's database in one query, so a test can tell
 * whether a request wrote anything. The tables are read from the database itself, so a table
 * added later is counted too.
 */
export async function rowCounter(database: TestDatabase): Promise<() => Promise<RowCounts>> {
  const tables = (await database.db.introspection.getTables())
    .filter((t) => !t.isView && !t.name.startsWith('kysely_'))
    // The public check's rate limiter counts every request to it, refused ones too: that is its job.
    .filter((t) => t.name !== 'check_rate_limits')
    .filter((t) => database.dialect !== 'postgres' || t.schema === database.schema)
    .map((t) => t.name)
    .sort();
  if (tables.length === 0) throw new Error('no tables found to count');
  const query = sql<RowCounts>`select ${sql.join(
    tables.map((name) => sql`(select count(*) from ${sql.id(name)}) as ${sql.id(name)}`),
  )}`;
  return async () => {
    const row = (await query.execute(database.db)).rows[0] ?? {};
    return Object.fromEntries(Object.entries(row).map(([name, n]) => [name, Number(n)]));
  };
}

/** The tables whose row counts differ, as "table: before → after". */
export function changedTables(before: RowCounts, after: RowCounts): string[] {
  return Object.keys({ ...before, ...after })
    .filter((name) => before[name] !== after[name])
    .map((name) => `${name}: ${before[name]} → ${after[name]}`);
}
