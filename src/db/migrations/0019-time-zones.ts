import type { Kysely } from 'kysely';

/**
 * Every user has a time zone (an IANA name) in which the service shows them times.
 * NULL: not yet chosen; the service proposes one (from their town or country) and
 * provider users default to Europe/London.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('time_zone', 'varchar(64)').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('time_zone').execute();
}
