import { sql, type Kysely } from 'kysely';
import { serialType } from './helpers.ts';

/**
 * Deadlines on applications (features/deadlines): one row per deadline, opened when an
 * application is submitted or an offer made, closed when the step it waits for is taken
 * or, once it has passed, by the service's default step. `lease_until` is the scheduled
 * job's claim on a row, so processes share the work and a crashed one's rows come back.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('deadlines')
    .addColumn('id', serialType(db), (c) => c.primaryKey())
    .addColumn('application_id', 'integer', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('kind', 'varchar(40)', (c) => c.notNull())
    .addColumn('policy_version', 'varchar(20)', (c) => c.notNull())
    // The zone whose 11:59pm it is, and that day, as the people told were told.
    .addColumn('zone', 'varchar(64)', (c) => c.notNull())
    .addColumn('last_day', 'varchar(10)', (c) => c.notNull())
    .addColumn('due_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('opened_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('reminders_sent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_reminder_at', 'varchar(32)')
    .addColumn('lease_until', 'varchar(32)')
    // Which claim holds the row: only that claim may finish it.
    .addColumn('lease_token', 'varchar(40)')
    .addColumn('closed_at', 'varchar(32)')
    // decided | default
    .addColumn('closed_by', 'varchar(20)')
    .addColumn('applied_at', 'varchar(32)')
    .execute();
  // One open deadline of a kind per application, whoever opens it at the same moment.
  await sql`create unique index deadlines_one_open on deadlines (application_id, kind) where closed_at is null`.execute(
    db,
  );
  await db.schema.createIndex('deadlines_due').on('deadlines').columns(['closed_at', 'due_at']).execute();
  await db.schema
    .createIndex('deadlines_reminder_due')
    .on('deadlines')
    .columns(['closed_at', 'next_reminder_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('deadlines').execute();
}
