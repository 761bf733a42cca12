import { sql, type Kysely } from 'kysely';
import { serialType } from './helpers.ts';

/**
 * Interviews: a provider proposes times (slots), the candidate picks one or asks for
 * others, either side can rearrange or cancel. Times are UTC ISO text; `zone` is the zone
 * the provider typed the times in. One live interview per application is a unique index,
 * so two concurrent invitations cannot both be made; `version` moves with every change so
 * a step applies only to the interview its page showed (and is the calendar file's SEQUENCE).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('interviews')
    .addColumn('id', serialType(db), (c) => c.primaryKey())
    .addColumn('application_id', 'integer', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('provider_id', 'integer', (c) => c.notNull().references('providers.id').onDelete('cascade'))
    .addColumn('status', 'varchar(32)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('zone', 'varchar(64)', (c) => c.notNull())
    .addColumn('duration_minutes', 'integer', (c) => c.notNull())
    .addColumn('mode', 'varchar(16)', (c) => c.notNull())
    .addColumn('location', 'text', (c) => c.notNull())
    .addColumn('notes', 'text')
    .addColumn('starts_at', 'varchar(32)')
    .addColumn('candidate_message', 'text')
    .addColumn('reason', 'text')
    .addColumn('cancelled_by', 'varchar(16)')
    .addColumn('created_by_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await sql`create unique index interviews_one_live on interviews (application_id) where status <> 'cancelled'`.execute(
    db,
  );
  await db.schema.createIndex('interviews_application').on('interviews').columns(['application_id', 'id']).execute();
  await db.schema
    .createTable('interview_slots')
    .addColumn('id', serialType(db), (c) => c.primaryKey())
    .addColumn('interview_id', 'integer', (c) => c.notNull().references('interviews.id').onDelete('cascade'))
    .addColumn('starts_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('interview_slots_interview').on('interview_slots').columns(['interview_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('interview_slots').execute();
  await db.schema.dropTable('interviews').execute();
}
