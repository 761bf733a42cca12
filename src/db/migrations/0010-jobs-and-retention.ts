import type { Kysely } from 'kysely';

/**
 * Scheduled jobs shared by every process: a row per job says when it is next due and who
 * holds it now (a lease), so one process runs it at a time. Indexes for the retention
 * clean-up, which deletes by age.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('job_runs')
    .addColumn('name', 'varchar(60)', (c) => c.primaryKey())
    .addColumn('next_run_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('lease_until', 'varchar(32)')
    .addColumn('last_finished_at', 'varchar(32)')
    .execute();
  await db.schema.createIndex('sign_in_codes_created').on('sign_in_codes').column('created_at').execute();
  await db.schema.createIndex('outbox_sent').on('outbox').columns(['status', 'sent_at']).execute();
  await db.schema
    .createIndex('applications_status_updated')
    .on('applications')
    .columns(['status', 'updated_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('applications_status_updated').execute();
  await db.schema.dropIndex('outbox_sent').execute();
  await db.schema.dropIndex('sign_in_codes_created').execute();
  await db.schema.dropTable('job_runs').execute();
}
