import { sql, type Kysely } from 'kysely';
import { isPostgres } from './helpers.ts';

/**
 * The national figures (features/oversight/figures.ts) must stay fast at a million
 * applications and a hundred thousand trainees with their placement-day rows. Two choices:
 *
 * - Each application keeps when the provider first decided (an offer or a rejection) and the
 *   whole days that took, written by the decision itself (applications/repository.ts), so the
 *   time to decision is a GROUP BY over one narrow index instead of a join into the audit
 *   trail; the median and 90th percentile come from that histogram of days.
 * - Covering indexes, one per table the figures read: every figure is a GROUP BY that SQLite
 *   and PostgreSQL answer from the index alone (an index-only scan of a few narrow columns,
 *   not the applications' JSON answers), narrowed by a range on the date that leads it when
 *   the reader picks dates. Progress against the requirement reads the trainees' summary
 *   columns (confirmed_halves, counted_weeks), never the placement-day rows.
 *
 * Summary tables of counts were the alternative: faster still to read, but every write path
 * (each decision, bulk imports, the sample data) would have to keep them right, and the
 * filters (provider, country, cohort, any dates) would multiply their keys.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('applications').addColumn('decided_at', 'varchar(32)').execute();
  await db.schema.alterTable('applications').addColumn('decision_days', 'integer').execute();

  // Decisions made before this migration: from the audit trail.
  await sql`
    update applications set decided_at = (
      select min(e.created_at) from audit_events e
      where e.application_id = applications.id and e.action in ('make-offer', 'reject')
    )
    where submitted_at is not null`.execute(db);
  if (isPostgres(db)) {
    await sql`
      update applications
      set decision_days = floor(extract(epoch from (decided_at::timestamptz - submitted_at::timestamptz)) / 86400)::int
      where decided_at is not null`.execute(db);
  } else {
    await sql`
      update applications
      set decision_days = cast(julianday(decided_at) - julianday(submitted_at) as integer)
      where decided_at is not null`.execute(db);
  }

  // By date submitted (the monthly series, and any figure narrowed to dates) …
  await db.schema
    .createIndex('applications_figures')
    .on('applications')
    .columns(['submitted_at', 'provider_id', 'country', 'status', 'decision_days'])
    .execute();
  // … and by provider, status and days to decision, in the order those figures group by.
  await db.schema
    .createIndex('applications_decisions')
    .on('applications')
    .columns(['provider_id', 'status', 'decision_days', 'submitted_at', 'country'])
    .execute();
  await db.schema
    .createIndex('trainees_figures')
    .on('trainees')
    .columns([
      'state',
      'training_country',
      'provider_id',
      'cohort',
      'start_date',
      'expected_end_date',
      'criteria_version',
      'confirmed_halves',
      'counted_weeks',
    ])
    .execute();
  await db.schema
    .createIndex('awards_figures')
    .on('awards')
    .columns(['awarded_at', 'provider_id', 'training_country', 'trainee_id', 'revoked_at'])
    .execute();
  // The placement schools by country: a trainee's schools without reading the placement rows.
  await db.schema
    .createIndex('placements_trainee_school')
    .on('placements')
    .columns(['trainee_id', 'school_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of [
    'placements_trainee_school',
    'awards_figures',
    'trainees_figures',
    'applications_decisions',
    'applications_figures',
  ])
    await sql`drop index ${sql.id(index)}`.execute(db);
  await db.schema.alterTable('applications').dropColumn('decision_days').execute();
  await db.schema.alterTable('applications').dropColumn('decided_at').execute();
}
