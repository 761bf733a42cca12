import type { Kysely } from 'kysely';

/**
 * What each provider's own public pages say (fees with their year, phases, study modes,
 * delivery, placement approach, contact and how to apply), each fact with its address and
 * date, as JSON. Kept apart from what a provider tells us through the service, so one never
 * overwrites the other: reference data is refreshed on start, a provider's own edits are kept.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('providers').addColumn('public_facts', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('providers').dropColumn('public_facts').execute();
}
