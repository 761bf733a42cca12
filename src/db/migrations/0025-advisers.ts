import { sql, type Kysely } from 'kysely';
import { serialType } from './helpers.ts';

/**
 * Teacher training advisers: their weekly availability (UK wall-clock hours) and days off,
 * candidates' requests for one-to-one support, the callbacks booked from the published
 * slots, and advisers' call notes. A slot is booked once: a unique index over the booked
 * callbacks' (adviser, start) lets only one of any number of concurrent bookings in.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('adviser_availability')
    .addColumn('id', serialType(db), (c) => c.primaryKey())
    .addColumn('adviser_id', 'integer', (c) => c.notNull().references('users.id'))
    // 1 = Monday … 7 = Sunday; times are Europe/London wall-clock "HH:MM".
    .addColumn('weekday', 'integer', (c) => c.notNull())
    .addColumn('start_time', 'varchar(5)', (c) => c.notNull())
    .addColumn('end_time', 'varchar(5)', (c) => c.notNull())
    .addColumn('slot_minutes', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('adviser_availability_adviser').on('adviser_availability').column('adviser_id').execute();

  await db.schema
    .createTable('adviser_days_off')
    .addColumn('id', serialType(db), (c) => c.primaryKey())
    .addColumn('adviser_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('date', 'varchar(10)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('adviser_days_off_once')
    .on('adviser_days_off')
    .columns(['adviser_id', 'date'])
    .unique()
    .execute();

  await db.schema
    .createTable('adviser_requests')
    .addColumn('id', serialType(db), (c) => c.primaryKey())
    // One request per candidate: asking again updates it.
    .addColumn('candidate_id', 'integer', (c) => c.notNull().unique().references('users.id'))
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('email', 'varchar(320)', (c) => c.notNull())
    .addColumn('country', 'varchar(2)', (c) => c.notNull())
    .addColumn('time_zone', 'varchar(64)', (c) => c.notNull())
    .addColumn('phone', 'varchar(20)', (c) => c.notNull())
    .addColumn('stage', 'varchar(20)', (c) => c.notNull())
    .addColumn('age_group', 'varchar(20)', (c) => c.notNull())
    .addColumn('subject', 'varchar(100)', (c) => c.notNull())
    .addColumn('degree_status', 'varchar(30)', (c) => c.notNull())
    // JSON list of topics.
    .addColumn('help_with', 'text', (c) => c.notNull())
    .addColumn('help_detail', 'text')
    .addColumn('contact_consent', 'integer', (c) => c.notNull())
    // Whether the adviser may see the candidate's eligibility answers and application status.
    .addColumn('share_consent', 'integer', (c) => c.notNull().defaultTo(0))
    // JSON: the eligibility answers the candidate chose to share, as they were when shared.
    .addColumn('eligibility', 'text')
    // call | email
    .addColumn('contact_by', 'varchar(10)', (c) => c.notNull().defaultTo('call'))
    .addColumn('adviser_id', 'integer', (c) => c.references('users.id'))
    // supported | no-answer | not-eligible | referred (latest recorded)
    .addColumn('outcome', 'varchar(20)')
    .addColumn('follow_up_on', 'varchar(10)')
    .addColumn('first_contact_at', 'varchar(32)')
    .addColumn('taken_at', 'varchar(32)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('adviser_requests_adviser').on('adviser_requests').column('adviser_id').execute();
  await db.schema
    .createIndex('adviser_requests_queue')
    .on('adviser_requests')
    .columns(['country', 'stage', 'created_at'])
    .execute();

  await db.schema
    .createTable('adviser_callbacks')
    .addColumn('id', serialType(db), (c) => c.primaryKey())
    .addColumn('request_id', 'integer', (c) => c.notNull().references('adviser_requests.id'))
    .addColumn('adviser_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('starts_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('ends_at', 'varchar(32)', (c) => c.notNull())
    // booked | cancelled | moved | kept | missed
    .addColumn('status', 'varchar(10)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  // A slot is booked once; a cancelled or moved call frees it.
  await db.schema
    .createIndex('adviser_callbacks_slot_once')
    .on('adviser_callbacks')
    .columns(['adviser_id', 'starts_at'])
    .unique()
    .where(sql.ref('status'), '=', 'booked')
    .execute();
  // A candidate has at most one booked call at a time.
  await db.schema
    .createIndex('adviser_callbacks_one_per_request')
    .on('adviser_callbacks')
    .column('request_id')
    .unique()
    .where(sql.ref('status'), '=', 'booked')
    .execute();

  await db.schema
    .createTable('adviser_notes')
    .addColumn('id', serialType(db), (c) => c.primaryKey())
    .addColumn('request_id', 'integer', (c) => c.notNull().references('adviser_requests.id'))
    .addColumn('adviser_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('outcome', 'varchar(20)', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('follow_up_on', 'varchar(10)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('adviser_notes_request').on('adviser_notes').column('request_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'adviser_notes',
    'adviser_callbacks',
    'adviser_requests',
    'adviser_days_off',
    'adviser_availability',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
