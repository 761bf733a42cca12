import type { Kysely, Selectable } from 'kysely';
import type { Database, ProviderTable } from '../../db/schema.ts';
import { recordAudit } from '../../audit/repository.ts';
import type { ProviderScope } from '../../shared/scope.ts';
import { parseCoverage, type Coverage } from './coverage.ts';
import type { Provider, ProviderStatus, PublicFacts } from './model.ts';

const list = <T>(text: string | null): T[] | null => (text === null ? null : (JSON.parse(text) as T[]));

/** A new provider row's own values: none until the provider states them on its profile. */
export const NOTHING_STATED_YET = {
  placement_approaches: null,
  phases: null,
  subjects: null,
  study_modes: null,
  fee_min_pence: null,
  fee_max_pence: null,
  start_months: null,
} as const;

export function providerFromRow(row: Selectable<ProviderTable>): Provider {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    website: row.website,
    contactEmail: row.contact_email,
    status: row.status as ProviderStatus,
    approvedOn: row.approved_on,
    statusChangedOn: row.status_changed_on,
    coverage: parseCoverage(JSON.parse(row.coverage)),
    coverageNote: row.coverage_note,
    listedPeriods: row.listed_periods ? (JSON.parse(row.listed_periods) as Provider['listedPeriods']) : [],
    delivery: list(row.delivery),
    placementApproaches: list(row.placement_approaches),
    phases: list(row.phases),
    subjects: list(row.subjects),
    studyModes: list(row.study_modes),
    feeMinPence: row.fee_min_pence,
    feeMaxPence: row.fee_max_pence,
    startMonths: list(row.start_months),
    publicFacts: row.public_facts ? (JSON.parse(row.public_facts) as PublicFacts) : {},
    isSample: row.is_sample === 1,
  };
}

/** Every provider: a few dozen rows, filtered in memory by the pure rules in model.ts. */
export async function allProviders(db: Kysely<Database>): Promise<Provider[]> {
  const rows = await db.selectFrom('providers').selectAll().orderBy('name').execute();
  return rows.map(providerFromRow);
}

export async function providerById(db: Kysely<Database>, id: number): Promise<Provider | undefined> {
  const row = await db.selectFrom('providers').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? providerFromRow(row) : undefined;
}

export async function providerBySlug(db: Kysely<Database>, slug: string): Promise<Provider | undefined> {
  const row = await db.selectFrom('providers').selectAll().where('slug', '=', slug).executeTakeFirst();
  return row ? providerFromRow(row) : undefined;
}

export interface ProfileUpdate {
  coverage: Coverage;
  website: string | null;
  contact_email: string | null;
  placement_approaches: string | null;
  phases: string | null;
  subjects: string | null;
  delivery: string | null;
  study_modes: string | null;
  fee_min_pence: number | null;
  fee_max_pence: number | null;
  start_months: string | null;
}

/** A provider user with "manage the provider profile" changes what the finder shows, at once. */
export async function updateProfile(
  db: Kysely<Database>,
  scope: ProviderScope,
  providerId: number,
  update: ProfileUpdate,
  now = new Date(),
): Promise<boolean> {
  if (scope.permission !== 'manage-profile' || !scope.providerIds.includes(providerId)) return false;
  const { coverage, ...rest } = update;
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('providers')
      .set({ ...rest, coverage: JSON.stringify(coverage), updated_at: now.toISOString() })
      .where('id', '=', providerId)
      .execute();
    await recordAudit(
      trx,
      {
        actorUserId: scope.userId,
        providerId,
        applicationId: null,
        action: 'edit-provider-profile',
        detail: { coverage: coverage.kind },
      },
      now,
    );
  });
  return true;
}

/** Every provider's id and name, by name: for a list to choose from. */
export async function providerNames(db: Kysely<Database>): Promise<{ id: number; name: string }[]> {
  return db.selectFrom('providers').select(['id', 'name']).orderBy('name').execute();
}
