import { sql, type Kysely } from 'kysely';
import { serialType } from './helpers.ts';

/**
 * The award: a sixth provider permission, "recommend for award" (it starts with those who
 * manage trainees); teachers, each with one teacher reference number (TRN) for life, found
 * again by email and date of birth; one award per trainee (iQTS, and with it QTS), with the
 * random code its certificate's verification link carries; and the public check's rate
 * limiter, kept in the database so every process shares it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('provider_memberships')
    .addColumn('can_recommend_for_award', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db
    .updateTable('provider_memberships')
    .set({ can_recommend_for_award: sql`can_manage_trainees` })
    .execute();

  await db.schema
    .createTable('teachers')
    .addColumn('id', serialType(db), (c) => c.primaryKey())
    // Seven digits, unique: two concurrent awards can never share one.
    .addColumn('trn', 'varchar(7)', (c) => c.notNull().unique())
    .addColumn('email', 'varchar(320)', (c) => c.notNull())
    .addColumn('date_of_birth', 'varchar(10)', (c) => c.notNull())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  // One person, one TRN: a second award to the same email and date of birth finds the first.
  await db.schema
    .createIndex('teachers_one_per_person')
    .on('teachers')
    .columns(['email', 'date_of_birth'])
    .unique()
    .execute();

  await db.schema
    .createTable('awards')
    .addColumn('id', serialType(db), (c) => c.primaryKey())
    .addColumn('trainee_id', 'integer', (c) => c.notNull().unique().references('trainees.id'))
    .addColumn('teacher_id', 'integer', (c) => c.notNull().references('teachers.id'))
    .addColumn('trn', 'varchar(7)', (c) => c.notNull())
    .addColumn('date_of_birth', 'varchar(10)', (c) => c.notNull())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('outcome_date', 'varchar(10)', (c) => c.notNull())
    .addColumn('route', 'varchar(100)', (c) => c.notNull())
    .addColumn('training_country', 'varchar(2)', (c) => c.notNull())
    .addColumn('provider_id', 'integer', (c) => c.notNull().references('providers.id'))
    .addColumn('provider_name', 'varchar(200)', (c) => c.notNull())
    .addColumn('age_range', 'varchar(20)', (c) => c.notNull())
    .addColumn('subjects', 'text', (c) => c.notNull())
    .addColumn('verify_code', 'varchar(40)', (c) => c.notNull().unique())
    .addColumn('awarded_by', 'integer', (c) => c.references('users.id'))
    .addColumn('awarded_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('revoked_at', 'varchar(32)')
    .addColumn('revoke_reason', 'varchar(1000)')
    .execute();
  await db.schema.createIndex('awards_trn').on('awards').columns(['trn', 'date_of_birth']).execute();
  await db.schema.createIndex('awards_teacher').on('awards').columns(['teacher_id']).execute();

  await db.schema
    .createTable('check_rate_limits')
    .addColumn('bucket', 'varchar(100)', (c) => c.notNull())
    .addColumn('window_start', 'integer', (c) => c.notNull())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('check_rate_limits_pk', ['bucket', 'window_start'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('check_rate_limits').execute();
  await db.schema.dropTable('awards').execute();
  await db.schema.dropTable('teachers').execute();
  await db.schema.alterTable('provider_memberships').dropColumn('can_recommend_for_award').execute();
}
