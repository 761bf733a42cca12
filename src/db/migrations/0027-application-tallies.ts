import { sql, type Kysely } from 'kysely';
import { isPostgres, serialType } from './helpers.ts';

/**
 * Maintained counts of the submitted applications, so the national dashboard's default view
 * (every provider, or one, over all time) reads a few thousand rows whatever the number of
 * applications: at a million, the covering indexes of 0022 still meant reading a million
 * index entries per figure (about 0.7 s on SQLite and 1.1 s on PostgreSQL for the page).
 *
 * - `application_tallies`: submitted applications by provider, status and whole days to the
 *   first decision (−1: none yet; provider 0: none chosen). Status counts, offers by provider
 *   and the time-to-decision histogram all come from it.
 * - `application_month_tallies`: by provider and month of submission (YYYY-MM).
 *
 * The database keeps them (triggers on applications), so every way an application changes
 * counts, bulk loads and raw fixes included. The triggers only append to
 * `application_tally_changes` (+1 for a row's new key, −1 for its old one): appending takes no
 * lock another writer waits for, where adding to a shared count would make every submission
 * to a provider queue behind the last. Readers add the pending changes to the folded counts in
 * one statement; a job folds them in (oversight/tallies.ts). Figures narrowed by dates or by
 * country still read the 0022 indexes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('application_tallies')
    .addColumn('provider_id', 'integer', (c) => c.notNull())
    .addColumn('status', 'varchar(40)', (c) => c.notNull())
    .addColumn('decision_days', 'integer', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('application_tallies_pk', ['provider_id', 'status', 'decision_days'])
    .execute();
  await db.schema
    .createTable('application_month_tallies')
    .addColumn('provider_id', 'integer', (c) => c.notNull())
    .addColumn('month', 'varchar(7)', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('application_month_tallies_pk', ['provider_id', 'month'])
    .execute();
  await db.schema
    .createTable('application_tally_changes')
    .addColumn('id', serialType(db), (c) => c.primaryKey())
    .addColumn('provider_id', 'integer', (c) => c.notNull())
    .addColumn('status', 'varchar(40)', (c) => c.notNull())
    .addColumn('decision_days', 'integer', (c) => c.notNull())
    .addColumn('month', 'varchar(7)', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .execute();

  const keyChanged = (distinct: string) =>
    ['provider_id', 'status', 'decision_days', 'submitted_at'].map((c) => `old.${c} ${distinct} new.${c}`).join(' or ');
  if (isPostgres(db)) {
    await sql`
      create function applications_tally() returns trigger language plpgsql as $$
      begin
        if tg_op <> 'INSERT' then
          if old.submitted_at is not null then
            insert into application_tally_changes (provider_id, status, decision_days, month, n)
            values (coalesce(old.provider_id, 0), old.status, coalesce(old.decision_days, -1), substr(old.submitted_at, 1, 7), -1);
          end if;
        end if;
        if tg_op <> 'DELETE' then
          if new.submitted_at is not null then
            insert into application_tally_changes (provider_id, status, decision_days, month, n)
            values (coalesce(new.provider_id, 0), new.status, coalesce(new.decision_days, -1), substr(new.submitted_at, 1, 7), 1);
          end if;
        end if;
        return null;
      end $$`.execute(db);
    await sql`
      create trigger applications_tally after insert or delete on applications
      for each row execute function applications_tally()`.execute(db);
    await sql
      .raw(
        `create trigger applications_tally_change after update of provider_id, status, decision_days, submitted_at
         on applications for each row when (${keyChanged('is distinct from')}) execute function applications_tally()`,
      )
      .execute(db);
  } else {
    const change = (row: 'old' | 'new', n: 1 | -1) => `
      insert into application_tally_changes (provider_id, status, decision_days, month, n)
      select coalesce(${row}.provider_id, 0), ${row}.status, coalesce(${row}.decision_days, -1), substr(${row}.submitted_at, 1, 7), ${n}
      where ${row}.submitted_at is not null;`;
    await sql
      .raw(`create trigger applications_tally_insert after insert on applications begin ${change('new', 1)} end`)
      .execute(db);
    await sql
      .raw(`create trigger applications_tally_delete after delete on applications begin ${change('old', -1)} end`)
      .execute(db);
    await sql
      .raw(
        `create trigger applications_tally_change after update of provider_id, status, decision_days, submitted_at
         on applications when ${keyChanged('is not')} begin ${change('old', -1)} ${change('new', 1)} end`,
      )
      .execute(db);
  }

  // The applications already here.
  await sql`
    insert into application_tallies (provider_id, status, decision_days, n)
    select coalesce(provider_id, 0), status, coalesce(decision_days, -1), count(*)
    from applications where submitted_at is not null
    group by coalesce(provider_id, 0), status, coalesce(decision_days, -1)`.execute(db);
  await sql`
    insert into application_month_tallies (provider_id, month, n)
    select coalesce(provider_id, 0), substr(submitted_at, 1, 7), count(*)
    from applications where submitted_at is not null
    group by coalesce(provider_id, 0), substr(submitted_at, 1, 7)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await sql`drop trigger applications_tally_change on applications`.execute(db);
    await sql`drop trigger applications_tally on applications`.execute(db);
    await sql`drop function applications_tally()`.execute(db);
  } else {
    for (const t of ['applications_tally_change', 'applications_tally_delete', 'applications_tally_insert'])
      await sql.raw(`drop trigger ${t}`).execute(db);
  }
  for (const t of ['application_tally_changes', 'application_month_tallies', 'application_tallies'])
    await db.schema.dropTable(t).execute();
}
