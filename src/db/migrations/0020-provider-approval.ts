import type { Kysely } from 'kysely';

/**
 * Providers' approval life and the cohort cap. Approval states are kept in
 * `providers.status` (features/providers/approval.ts): the stored values the reference
 * import writes ('approved', 'suspended', 'no-longer-offering') keep their meaning, so no
 * row is renamed; 'applied' and 'approval-withdrawn' are new. Each step's date and reason
 * are in the audit trail.
 *
 * `cohort_cap`: trainees a provider may take in one cohort, 200 unless the DfE permits more.
 * `applications.offer_cohort`: the cohort an offer counts towards, set when it is made;
 * offers already made count towards the cohort of the day they were made (their audit row).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('providers')
    .addColumn('cohort_cap', 'integer', (c) => c.notNull().defaultTo(200))
    .execute();
  await db.schema.alterTable('applications').addColumn('offer_cohort', 'varchar(20)').execute();
  await db.schema
    .createIndex('applications_offer_cohort')
    .on('applications')
    .columns(['provider_id', 'offer_cohort', 'status'])
    .execute();

  const offered = await db
    .selectFrom('applications as a')
    .innerJoin('audit_events as e', 'e.application_id', 'a.id')
    .select(['a.id', (eb) => eb.fn.max('e.created_at').as('made_at')])
    .where('a.status', 'in', ['offer', 'conditions-pending', 'recruited'])
    .where('e.action', '=', 'make-offer')
    .groupBy('a.id')
    .execute();
  for (const row of offered as { id: number; made_at: string | null }[]) {
    if (!row.made_at) continue;
    const year = Number(row.made_at.slice(0, 4));
    const first = Number(row.made_at.slice(5, 7)) >= 9 ? year : year - 1;
    await db
      .updateTable('applications')
      .set({ offer_cohort: `${first} to ${first + 1}` })
      .where('id', '=', row.id)
      .execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('applications_offer_cohort').execute();
  await db.schema.alterTable('applications').dropColumn('offer_cohort').execute();
  await db.schema.alterTable('providers').dropColumn('cohort_cap').execute();
}
