import { sql, type Kysely } from 'kysely';
import { serialType } from './helpers.ts';

/**
 * The training record: trainees (one per recruited application), mentors at placement
 * schools, placements, the placement-day log, evidence against the Teachers' Standards
 * (observations, reflections, review points) and each provider's cohort policies.
 * A fifth provider permission, "manage trainees", starts with those who make decisions.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('provider_memberships')
    .addColumn('can_manage_trainees', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db
    .updateTable('provider_memberships')
    .set({ can_manage_trainees: sql`can_make_decisions` })
    .execute();

  await db.schema.alterTable('audit_events').addColumn('trainee_id', 'integer').execute();
  await db.schema.createIndex('audit_events_trainee').on('audit_events').columns(['trainee_id', 'id']).execute();

  await db.schema
    .createTable('mentors')
    .addColumn('id', serialType(db), (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('provider_id', 'integer', (c) => c.notNull().references('providers.id').onDelete('cascade'))
    .addColumn('school_id', 'integer', (c) => c.notNull().references('placement_schools.id'))
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('mentor_role', 'varchar(10)', (c) => c.notNull())
    .addColumn('trained_on', 'varchar(10)', (c) => c.notNull())
    .addColumn('is_sample', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  // One mentor record per person, provider and school: a second invitation finds the first.
  await db.schema
    .createIndex('mentors_one_per_school')
    .on('mentors')
    .columns(['provider_id', 'school_id', 'user_id'])
    .unique()
    .execute();
  await db.schema.createIndex('mentors_user').on('mentors').columns(['user_id']).execute();

  await db.schema
    .createTable('trainees')
    .addColumn('id', serialType(db), (c) => c.primaryKey())
    .addColumn('application_id', 'integer', (c) => c.notNull().unique().references('applications.id'))
    .addColumn('provider_id', 'integer', (c) => c.notNull().references('providers.id'))
    .addColumn('candidate_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('state', 'varchar(30)', (c) => c.notNull())
    .addColumn('start_date', 'varchar(10)', (c) => c.notNull())
    .addColumn('expected_end_date', 'varchar(10)', (c) => c.notNull())
    .addColumn('study_mode', 'varchar(10)', (c) => c.notNull())
    .addColumn('days_per_week', 'integer', (c) => c.notNull())
    .addColumn('age_range', 'varchar(20)', (c) => c.notNull())
    .addColumn('subjects', 'text', (c) => c.notNull())
    .addColumn('training_country', 'varchar(2)', (c) => c.notNull())
    .addColumn('criteria_version', 'varchar(20)', (c) => c.notNull())
    .addColumn('cohort', 'varchar(20)', (c) => c.notNull())
    // A summary of the confirmed days, recomputed with every change to them, so lists can filter on it.
    .addColumn('confirmed_halves', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('counted_weeks', 'integer', (c) => c.notNull().defaultTo(0))
    /** JSON: the latest deferral or withdrawal (date, reasons). */
    .addColumn('state_detail', 'text')
    .addColumn('is_sample', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('trainees_provider').on('trainees').columns(['provider_id', 'state', 'id']).execute();
  await db.schema.createIndex('trainees_candidate').on('trainees').columns(['candidate_id']).execute();

  await db.schema
    .createTable('placements')
    .addColumn('id', serialType(db), (c) => c.primaryKey())
    .addColumn('trainee_id', 'integer', (c) => c.notNull().references('trainees.id').onDelete('cascade'))
    .addColumn('school_id', 'integer', (c) => c.notNull().references('placement_schools.id'))
    // A placement cannot start without a mentor.
    .addColumn('mentor_id', 'integer', (c) => c.notNull().references('mentors.id'))
    .addColumn('start_date', 'varchar(10)', (c) => c.notNull())
    .addColumn('end_date', 'varchar(10)', (c) => c.notNull())
    .addColumn('time_zone', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('placements_trainee').on('placements').columns(['trainee_id']).execute();
  await db.schema.createIndex('placements_mentor').on('placements').columns(['mentor_id', 'end_date']).execute();

  await db.schema
    .createTable('placement_days')
    .addColumn('id', serialType(db), (c) => c.primaryKey())
    .addColumn('trainee_id', 'integer', (c) => c.notNull().references('trainees.id').onDelete('cascade'))
    .addColumn('placement_id', 'integer', (c) => c.notNull().references('placements.id').onDelete('cascade'))
    .addColumn('date', 'varchar(10)', (c) => c.notNull())
    /** 2: a full day; 1: a half day. Halves, so sums stay whole numbers. */
    .addColumn('halves', 'integer', (c) => c.notNull())
    .addColumn('kind', 'varchar(20)', (c) => c.notNull())
    .addColumn('note', 'varchar(500)')
    /** logged | confirmed | queried */
    .addColumn('status', 'varchar(10)', (c) => c.notNull())
    .addColumn('query_reason', 'varchar(1000)')
    .addColumn('source', 'varchar(10)', (c) => c.notNull().defaultTo('trainee'))
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  // A date is logged once per placement, whoever races to log it.
  await db.schema
    .createIndex('placement_days_one_per_date')
    .on('placement_days')
    .columns(['placement_id', 'date'])
    .unique()
    .execute();
  await db.schema
    .createIndex('placement_days_trainee')
    .on('placement_days')
    .columns(['trainee_id', 'date', 'status'])
    .execute();

  await db.schema
    .createTable('observations')
    .addColumn('id', serialType(db), (c) => c.primaryKey())
    .addColumn('trainee_id', 'integer', (c) => c.notNull().references('trainees.id').onDelete('cascade'))
    .addColumn('mentor_id', 'integer', (c) => c.notNull().references('mentors.id'))
    .addColumn('date', 'varchar(10)', (c) => c.notNull())
    .addColumn('class_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('age_group', 'varchar(50)', (c) => c.notNull())
    /** JSON: standard → judgement, for the standards observed. */
    .addColumn('judgements', 'text', (c) => c.notNull())
    .addColumn('strengths', 'text', (c) => c.notNull())
    .addColumn('targets', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('observations_trainee').on('observations').columns(['trainee_id', 'date']).execute();

  await db.schema
    .createTable('reflections')
    .addColumn('id', serialType(db), (c) => c.primaryKey())
    .addColumn('trainee_id', 'integer', (c) => c.notNull().references('trainees.id').onDelete('cascade'))
    .addColumn('date', 'varchar(10)', (c) => c.notNull())
    .addColumn('standards', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('reflections_trainee').on('reflections').columns(['trainee_id', 'date']).execute();

  await db.schema
    .createTable('reviews')
    .addColumn('id', serialType(db), (c) => c.primaryKey())
    .addColumn('trainee_id', 'integer', (c) => c.notNull().references('trainees.id').onDelete('cascade'))
    .addColumn('kind', 'varchar(10)', (c) => c.notNull())
    .addColumn('date', 'varchar(10)', (c) => c.notNull())
    .addColumn('judgements', 'text', (c) => c.notNull())
    .addColumn('outcome', 'varchar(30)', (c) => c.notNull())
    .addColumn('comments', 'text', (c) => c.notNull())
    .addColumn('author_user_id', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('reviews_trainee').on('reviews').columns(['trainee_id', 'id']).execute();

  await db.schema
    .createTable('cohort_policies')
    .addColumn('provider_id', 'integer', (c) => c.notNull().references('providers.id').onDelete('cascade'))
    .addColumn('cohort', 'varchar(20)', (c) => c.notNull())
    /** Confirmed days that make a week count; NULL: the trainee's contracted days (the default). */
    .addColumn('week_days', 'integer')
    .addColumn('note', 'varchar(1000)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('cohort_policies_pk', ['provider_id', 'cohort'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'cohort_policies',
    'reviews',
    'reflections',
    'observations',
    'placement_days',
    'placements',
    'trainees',
    'mentors',
  ])
    await db.schema.dropTable(table).execute();
  await sql`drop index audit_events_trainee`.execute(db);
  await db.schema.alterTable('audit_events').dropColumn('trainee_id').execute();
  await db.schema.alterTable('provider_memberships').dropColumn('can_manage_trainees').execute();
}
