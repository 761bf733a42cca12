import type { Kysely, Transaction } from 'kysely';
import { isPostgres } from './migrations/helpers.ts';
import type { Database } from './schema.ts';

/**
 * Row locks for rules that span rows ("not the last user who can manage users"). On
 * PostgreSQL the provider's row is locked until the transaction ends, so two such changes
 * for one provider run one after the other. SQLite has one writer at a time already.
 */
export async function lockProvider(trx: Transaction<Database> | Kysely<Database>, providerId: number): Promise<void> {
  if (!isPostgres(trx)) return;
  await trx.selectFrom('providers').select('id').where('id', '=', providerId).forUpdate().execute();
}
