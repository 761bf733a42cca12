import { sql, type Kysely } from 'kysely';
import { serialType } from './helpers.ts';

/**
 * API tokens for providers' own systems: each belongs to one provider, has a name, and is
 * stored only as its SHA-256 (the token itself is shown once). A revoked token is kept, so
 * the page can say who revoked it and when. Names are unique among a provider's live tokens.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('api_tokens')
    .addColumn('id', serialType(db), (c) => c.primaryKey())
    .addColumn('provider_id', 'integer', (c) => c.notNull().references('providers.id').onDelete('cascade'))
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('created_by_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('last_used_at', 'varchar(32)')
    .addColumn('revoked_at', 'varchar(32)')
    .addColumn('revoked_by_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('api_tokens_provider').on('api_tokens').columns(['provider_id', 'id']).execute();
  await sql`create unique index api_tokens_live_name on api_tokens (provider_id, name) where revoked_at is null`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('api_tokens').execute();
}
