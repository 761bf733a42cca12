import { sql, type Kysely } from 'kysely';
import { isPostgres } from './helpers.ts';

/**
 * DfE admins deactivate and reactivate users: users.deactivated_at (NULL: active).
 *
 * The audit trail becomes append-only, enforced by the database: triggers refuse every
 * UPDATE and DELETE of audit_events (and TRUNCATE on PostgreSQL). Its foreign keys go too:
 * the trail must outlive what it describes, so deleting a draft application (retention),
 * a sample user or provider (the sample-data unloader) no longer cascades into it or is
 * blocked by it. Its ids are kept as plain numbers; the viewer shows a record that no
 * longer exists by its id.
 */
const APPEND_ONLY = 'audit_events rows are append-only: they cannot be changed or deleted';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('deactivated_at', 'varchar(32)').execute();

  if (isPostgres(db)) {
    const { rows } = await sql<{ conname: string }>`
      select conname from pg_constraint where conrelid = to_regclass('audit_events') and contype = 'f'`.execute(db);
    for (const { conname } of rows) await sql`alter table audit_events drop constraint ${sql.id(conname)}`.execute(db);
    await sql
      .raw(
        `create or replace function audit_events_append_only() returns trigger language plpgsql as $$
         begin raise exception '${APPEND_ONLY}' using errcode = 'P0001'; end $$`,
      )
      .execute(db);
    await sql`create trigger audit_events_no_change before update or delete on audit_events
      for each row execute function audit_events_append_only()`.execute(db);
    await sql`create trigger audit_events_no_truncate before truncate on audit_events
      for each statement execute function audit_events_append_only()`.execute(db);
  } else {
    // SQLite cannot drop a foreign key: the table is rebuilt without them, rows and ids kept.
    await sql`create table audit_events_new (
      id integer primary key autoincrement,
      actor_user_id integer,
      provider_id integer,
      application_id integer,
      action varchar(60) not null,
      from_state varchar(30),
      to_state varchar(30),
      detail text,
      created_at varchar(32) not null,
      trainee_id integer
    )`.execute(db);
    await sql`insert into audit_events_new
      (id, actor_user_id, provider_id, application_id, action, from_state, to_state, detail, created_at, trainee_id)
      select id, actor_user_id, provider_id, application_id, action, from_state, to_state, detail, created_at, trainee_id
      from audit_events`.execute(db);
    await sql`drop table audit_events`.execute(db);
    await sql`alter table audit_events_new rename to audit_events`.execute(db);
    await db.schema
      .createIndex('audit_events_application')
      .on('audit_events')
      .columns(['application_id', 'id'])
      .execute();
    await db.schema.createIndex('audit_events_trainee').on('audit_events').columns(['trainee_id', 'id']).execute();
    await sql
      .raw(
        `create trigger audit_events_no_update before update on audit_events begin select raise(abort, '${APPEND_ONLY}'); end`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger audit_events_no_delete before delete on audit_events begin select raise(abort, '${APPEND_ONLY}'); end`,
      )
      .execute(db);
  }
  // The audit log's filters: by provider, by actor, by action, each newest first.
  await db.schema.createIndex('audit_events_provider').on('audit_events').columns(['provider_id', 'id']).execute();
  await db.schema.createIndex('audit_events_actor').on('audit_events').columns(['actor_user_id', 'id']).execute();
  await db.schema.createIndex('audit_events_action').on('audit_events').columns(['action', 'id']).execute();
  await db.schema.createIndex('audit_events_created').on('audit_events').columns(['created_at']).execute();
  await db.schema.createIndex('users_role').on('users').columns(['role', 'deactivated_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of [
    'users_role',
    'audit_events_created',
    'audit_events_action',
    'audit_events_actor',
    'audit_events_provider',
  ])
    await db.schema.dropIndex(index).execute();
  if (isPostgres(db)) {
    await sql`drop trigger audit_events_no_change on audit_events`.execute(db);
    await sql`drop trigger audit_events_no_truncate on audit_events`.execute(db);
    await sql`drop function audit_events_append_only()`.execute(db);
  } else {
    await sql`drop trigger audit_events_no_update`.execute(db);
    await sql`drop trigger audit_events_no_delete`.execute(db);
  }
  // The foreign keys are not put back: rows kept since may point at records that are gone.
  await db.schema.alterTable('users').dropColumn('deactivated_at').execute();
}
