import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { DatabaseHandle } from './connect.ts';
import * as foundation from './migrations/0001-foundation.ts';
import * as providers from './migrations/0002-providers-and-placement-schools.ts';

/** Every migration, in order. Listed in code so the built service carries them with it. */
const migrations: Record<string, Migration> = {
  '0001-foundation': foundation,
  '0002-providers-and-placement-schools': providers,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(handle: DatabaseHandle): Promise<string[]> {
  const migrator = new Migrator({ db: handle.db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
