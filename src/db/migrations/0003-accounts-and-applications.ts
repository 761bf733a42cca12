import type { Kysely } from 'kysely';
import { serialType } from './helpers.ts';

/**
 * Accounts (candidates, provider users, DfE admins), passwordless sign-in codes,
 * applications with their audit trail, and the email outbox.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', serialType(db), (c) => c.primaryKey())
    .addColumn('email', 'varchar(320)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(200)')
    .addColumn('role', 'varchar(20)', (c) => c.notNull())
    .addColumn('is_sample', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('last_signed_in_at', 'varchar(32)')
    .execute();

  await db.schema
    .createTable('provider_memberships')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('provider_id', 'integer', (c) => c.notNull().references('providers.id').onDelete('cascade'))
    .addColumn('can_make_decisions', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('can_manage_schools', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('can_manage_users', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('provider_memberships_pk', ['user_id', 'provider_id'])
    .execute();

  await db.schema
    .createTable('sign_in_codes')
    .addColumn('id', serialType(db), (c) => c.primaryKey())
    .addColumn('email', 'varchar(320)', (c) => c.notNull())
    // HMAC of the code: a copy of the table cannot be used to sign in.
    .addColumn('code_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('ip', 'varchar(64)', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('used_at', 'varchar(32)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sign_in_codes_email').on('sign_in_codes').columns(['email', 'created_at']).execute();
  await db.schema.createIndex('sign_in_codes_ip').on('sign_in_codes').columns(['ip', 'created_at']).execute();

  await db.schema
    .createTable('applications')
    .addColumn('id', serialType(db), (c) => c.primaryKey())
    .addColumn('reference', 'varchar(20)', (c) => c.notNull().unique())
    .addColumn('candidate_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('provider_id', 'integer', (c) => c.references('providers.id'))
    .addColumn('status', 'varchar(30)', (c) => c.notNull())
    .addColumn('answers', 'text', (c) => c.notNull())
    .addColumn('candidate_name', 'varchar(200)')
    .addColumn('country', 'varchar(2)')
    .addColumn('phase', 'varchar(20)')
    .addColumn('offer_conditions', 'text')
    .addColumn('rejection', 'text')
    .addColumn('withdrawal_reason', 'text')
    .addColumn('placement_school_id', 'integer', (c) => c.references('placement_schools.id'))
    .addColumn('submitted_at', 'varchar(32)')
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('applications_provider_status')
    .on('applications')
    .columns(['provider_id', 'status', 'submitted_at'])
    .execute();
  await db.schema.createIndex('applications_candidate').on('applications').columns(['candidate_id']).execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('id', serialType(db), (c) => c.primaryKey())
    .addColumn('actor_user_id', 'integer', (c) => c.references('users.id'))
    .addColumn('provider_id', 'integer', (c) => c.references('providers.id'))
    .addColumn('application_id', 'integer', (c) => c.references('applications.id').onDelete('cascade'))
    .addColumn('action', 'varchar(60)', (c) => c.notNull())
    .addColumn('from_state', 'varchar(30)')
    .addColumn('to_state', 'varchar(30)')
    .addColumn('detail', 'text')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('audit_events_application')
    .on('audit_events')
    .columns(['application_id', 'id'])
    .execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', serialType(db), (c) => c.primaryKey())
    .addColumn('to_email', 'varchar(320)', (c) => c.notNull())
    .addColumn('template', 'varchar(60)', (c) => c.notNull())
    .addColumn('subject', 'varchar(300)', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('personalisation', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(10)', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('locked_until', 'varchar(32)')
    .addColumn('last_error', 'text')
    .addColumn('sent_at', 'varchar(32)')
    .addColumn('transport_id', 'varchar(200)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['outbox', 'audit_events', 'applications', 'sign_in_codes', 'provider_memberships', 'users'])
    await db.schema.dropTable(table).execute();
}
