import type { Kysely } from 'kysely';

/**
 * Every user has a time zone (an IANA name) in which the service shows them times.
 * NULL: not yet chosen; the service proposes one (from their town or country) and
 * provider users default to Europe/London.
 * An email may carry files (a calendar invitation): JSON in outbox.attachments.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('time_zone', 'varchar(64)').execute();
  await db.schema.alterTable('outbox').addColumn('attachments', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox').dropColumn('attachments').execute();
  await db.schema.alterTable('users').dropColumn('time_zone').execute();
}
