import { sql, type Kysely } from 'kysely';

/**
 * A fourth provider permission, "manage the provider profile" (before, editing the profile
 * needed "manage users": those users keep it), and one draft application per candidate,
 * enforced by the database so concurrent first visits cannot make two.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('provider_memberships')
    .addColumn('can_manage_profile', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db
    .updateTable('provider_memberships')
    .set({ can_manage_profile: sql`can_manage_users` })
    .execute();
  await sql`create unique index applications_one_draft on applications (candidate_id) where status = 'draft'`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index applications_one_draft`.execute(db);
  await db.schema.alterTable('provider_memberships').dropColumn('can_manage_profile').execute();
}
