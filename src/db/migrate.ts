import {
  Migrator,
  sql,
  type DatabaseIntrospector,
  type Kysely,
  type Migration,
  type MigrationProvider,
  type TableMetadata,
} from 'kysely';
import type { DatabaseHandle } from './connect.ts';
import * as foundation from './migrations/0001-foundation.ts';
import * as providers from './migrations/0002-providers-and-placement-schools.ts';
import * as applications from './migrations/0003-accounts-and-applications.ts';
import * as permissions from './migrations/0004-permissions-and-one-draft.ts';
import * as jobsAndRetention from './migrations/0010-jobs-and-retention.ts';
import * as training from './migrations/0011-training.ts';
import * as providerPublicFacts from './migrations/0013-provider-public-facts.ts';
import * as apiTokens from './migrations/0017-api-tokens.ts';
import * as awards from './migrations/0018-awards.ts';
import * as timeZones from './migrations/0019-time-zones.ts';
import * as providerApproval from './migrations/0020-provider-approval.ts';
import * as userAccess from './migrations/0021-user-access-and-append-only-audit.ts';
import * as oversightFigures from './migrations/0022-oversight-figures.ts';
import * as interviews from './migrations/0023-interviews.ts';
import * as deadlines from './migrations/0024-deadlines.ts';
import * as advisers from './migrations/0025-advisers.ts';
import * as placementSearchIndex from './migrations/0026-placement-search-index.ts';
import * as applicationTallies from './migrations/0027-application-tallies.ts';

/** Every migration, in order. Listed in code so the built service carries them with it. */
const migrations: Record<string, Migration> = {
  '0001-foundation': foundation,
  '0002-providers-and-placement-schools': providers,
  '0003-accounts-and-applications': applications,
  '0004-permissions-and-one-draft': permissions,
  '0010-jobs-and-retention': jobsAndRetention,
  '0011-training': training,
  '0013-provider-public-facts': providerPublicFacts,
  '0017-api-tokens': apiTokens,
  '0018-awards': awards,
  '0019-time-zones': timeZones,
  '0020-provider-approval': providerApproval,
  '0021-user-access-and-append-only-audit': userAccess,
  '0022-oversight-figures': oversightFigures,
  '0023-interviews': interviews,
  '0024-deadlines': deadlines,
  '0025-advisers': advisers,
  '0026-placement-search-index': placementSearchIndex,
  '0027-application-tallies': applicationTallies,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * The database as the migrator sees it on PostgreSQL: its question "do my tables exist?" looks
 * at the schema in use only. Kysely's own introspection lists every schema's tables, checking
 * USAGE on each, so a schema dropped by another client during that query failed the start
 * ("schema … does not exist", 3F000), and a table of the same name elsewhere could count.
 */
function lookingAtOwnSchema<DB>(db: Kysely<DB>): Kysely<DB> {
  const getTables = async (): Promise<TableMetadata[]> => {
    const { rows } = await sql<{ name: string; schema: string; is_view: boolean }>`
      select c.relname as name, n.nspname as schema, c.relkind = 'v' as is_view
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind in ('r', 'p', 'v')`.execute(db);
    return rows.map((r) => ({ name: r.name, schema: r.schema, isView: r.is_view, columns: [] }));
  };
  const introspection: DatabaseIntrospector = {
    getSchemas: () => db.introspection.getSchemas(),
    getTables,
    getMetadata: async () => ({ tables: await getTables() }),
  };
  return new Proxy(db, {
    get(target, property) {
      if (property === 'introspection') return introspection;
      const value: unknown = Reflect.get(target, property, target);
      // Kysely's methods read private fields: they must run on the real instance.
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export async function migrateToLatest(handle: DatabaseHandle): Promise<string[]> {
  // Name the schema: otherwise Kysely looks for its lock table in every schema and may find another's.
  const migrator = new Migrator({
    db: handle.dialect === 'postgres' ? lookingAtOwnSchema(handle.db) : handle.db,
    provider,
    ...(handle.schema ? { migrationTableSchema: handle.schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
