import { sql } from 'kysely';
import type { DatabaseHandle } from './connect.ts';

/**
 * Checks that a database is whole: after a restore, after a crash, or whenever an
 * operator asks (`npm run db:check`). Row counts per table say what is there; the
 * integrity check says whether it holds together.
 */

/** The service's tables (with the migrations' own), in name order. */
export async function tableNames(handle: DatabaseHandle): Promise<string[]> {
  const rows =
    handle.dialect === 'sqlite'
      ? await sql<{ name: string }>`
          select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name
        `.execute(handle.db)
      : await sql<{ name: string }>`
          select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name
        `.execute(handle.db);
  return rows.rows.map((r) => r.name);
}

/** How many rows each table holds. */
export async function rowCounts(handle: DatabaseHandle): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of await tableNames(handle)) {
    const row = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(handle.db);
    counts[table] = Number(row.rows[0]?.n ?? 0);
  }
  return counts;
}

/**
 * Problems found, or none. SQLite: `PRAGMA integrity_check` (pages, indexes, constraints)
 * and `PRAGMA foreign_key_check`. PostgreSQL keeps its own files consistent, so this
 * looks at what a restore or a bug could still break: constraints not validated, and
 * rows whose foreign keys point at nothing.
 */
export async function integrityProblems(handle: DatabaseHandle): Promise<string[]> {
  if (handle.dialect === 'sqlite') {
    const problems: string[] = [];
    const check = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(handle.db);
    const messages = check.rows.map((r) => r.integrity_check);
    if (messages.join() !== 'ok') problems.push(...messages.map((m) => `integrity_check: ${m}`));
    const orphans = await sql<{ table: string; rowid: number; parent: string }>`pragma foreign_key_check`.execute(
      handle.db,
    );
    for (const o of orphans.rows) problems.push(`${o.table} row ${o.rowid} points at a missing ${o.parent} row`);
    return problems;
  }

  const problems: string[] = [];
  const unvalidated = await sql<{ table: string; name: string }>`
    select c.conrelid::regclass::text as table, c.conname as name
    from pg_constraint c join pg_namespace n on n.oid = c.connamespace
    where n.nspname = current_schema() and not c.convalidated
  `.execute(handle.db);
  for (const c of unvalidated.rows) problems.push(`${c.table}: constraint ${c.name} is not validated`);

  const foreignKeys = await sql<{ name: string; child: string; parent: string; columns: string[]; refs: string[] }>`
    select c.conname as name, child.relname as child, parent.relname as parent,
      array(select a.attname::text from unnest(c.conkey) with ordinality k(num, pos)
            join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.num order by k.pos) as columns,
      array(select a.attname::text from unnest(c.confkey) with ordinality k(num, pos)
            join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.num order by k.pos) as refs
    from pg_constraint c
    join pg_class child on child.oid = c.conrelid
    join pg_class parent on parent.oid = c.confrelid
    join pg_namespace n on n.oid = c.connamespace
    where c.contype = 'f' and n.nspname = current_schema()
    order by c.conname
  `.execute(handle.db);
  for (const fk of foreignKeys.rows) {
    const matches = sql.join(
      fk.columns.map((column, i) => sql`p.${sql.ref(fk.refs[i]!)} = c.${sql.ref(column)}`),
      sql` and `,
    );
    const present = sql.join(
      fk.columns.map((column) => sql`c.${sql.ref(column)} is not null`),
      sql` and `,
    );
    const orphans = await sql<{ n: string }>`
      select count(*) as n from ${sql.table(fk.child)} c
      where ${present} and not exists (select 1 from ${sql.table(fk.parent)} p where ${matches})
    `.execute(handle.db);
    const n = Number(orphans.rows[0]?.n ?? 0);
    if (n > 0) problems.push(`${fk.child}: ${n} rows point at a missing ${fk.parent} row (${fk.name})`);
  }
  return problems;
}
