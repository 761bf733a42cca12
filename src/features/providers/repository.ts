import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
import type { Database, PlacementSchoolTable, ProviderTable } from '../../db/schema.ts';
import { boundingBoxes, distanceKm, type Box, type Point } from '../places/geo.ts';
import { parseCoverage } from './coverage.ts';
import type { Provider, ProviderStatus } from './model.ts';

const list = <T>(text: string | null): T[] | null => (text === null ? null : (JSON.parse(text) as T[]));

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
    delivery: list(row.delivery),
    placementApproaches: list(row.placement_approaches),
    phases: list(row.phases),
    subjects: list(row.subjects),
    studyModes: list(row.study_modes),
    feeMinPence: row.fee_min_pence,
    feeMaxPence: row.fee_max_pence,
    startMonths: list(row.start_months),
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

/** Schools (aliased `s`) inside any of the boxes: what the (lat, lon) index can answer. */
function withinBoxes(eb: ExpressionBuilder<Database & { s: PlacementSchoolTable }, 's'>, boxes: Box[]) {
  return eb.or(
    boxes.map((b) =>
      eb.and([
        eb('s.lat', '>=', b.minLat),
        eb('s.lat', '<=', b.maxLat),
        eb('s.lon', '>=', b.minLon),
        eb('s.lon', '<=', b.maxLon),
      ]),
    ),
  );
}

export interface NearbySchool {
  id: number;
  name: string;
  country: string;
  town: string;
  lat: number;
  lon: number;
  phases: string[] | null;
  languages: string[] | null;
  verified: boolean;
  isSample: boolean;
  distanceKm: number;
  providers: { id: number; slug: string; name: string }[];
}

export interface NearbyQuery {
  point: Point;
  radiusKm: number;
  /** Only schools in an active partnership with this provider. */
  providerId?: number;
  limit: number;
  offset: number;
}

/**
 * Partner schools (an active partnership with an approved provider) within the radius,
 * nearest first. The (lat, lon) index narrows the search to a bounding box; exact
 * great-circle distance decides.
 */
export async function schoolsNear(
  db: Kysely<Database>,
  query: NearbyQuery,
): Promise<{ total: number; schools: NearbySchool[] }> {
  const candidates = await db
    .selectFrom('placement_schools as s')
    .select(['s.id', 's.lat', 's.lon'])
    .where((eb) => withinBoxes(eb, boundingBoxes(query.point, query.radiusKm)))
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('partnerships as p')
          .innerJoin('providers as pr', 'pr.id', 'p.provider_id')
          .select('p.id')
          .whereRef('p.school_id', '=', 's.id')
          .where('p.status', '=', 'active')
          .where('pr.status', '=', 'approved')
          .$if(query.providerId !== undefined, (qb) => qb.where('p.provider_id', '=', query.providerId!)),
      ),
    )
    .execute();
  const within = candidates
    .map((c) => ({ id: c.id, km: distanceKm(query.point, { lat: c.lat, lon: c.lon }) }))
    .filter((c) => c.km <= query.radiusKm)
    .sort((a, b) => a.km - b.km || a.id - b.id);
  const page = within.slice(query.offset, query.offset + query.limit);
  if (page.length === 0) return { total: within.length, schools: [] };

  const ids = page.map((p) => p.id);
  const [rows, links] = await Promise.all([
    db.selectFrom('placement_schools').selectAll().where('id', 'in', ids).execute(),
    db
      .selectFrom('partnerships as p')
      .innerJoin('providers as pr', 'pr.id', 'p.provider_id')
      .select(['p.school_id', 'pr.id', 'pr.slug', 'pr.name'])
      .where('p.school_id', 'in', ids)
      .where('p.status', '=', 'active')
      .where('pr.status', '=', 'approved')
      .orderBy('pr.name')
      .execute(),
  ]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const schools = page.map(({ id, km }) => {
    const r = byId.get(id)!;
    return {
      id,
      name: r.name,
      country: r.country,
      town: r.town,
      lat: r.lat,
      lon: r.lon,
      phases: list<string>(r.phases),
      languages: list<string>(r.languages),
      verified: r.verified === 1,
      isSample: r.is_sample === 1,
      distanceKm: km,
      providers: links.filter((l) => l.school_id === id).map((l) => ({ id: l.id, slug: l.slug, name: l.name })),
    };
  });
  return { total: within.length, schools };
}

/** Each provider's nearest active partner school within `withinKm` of the point (for sorting and profiles). */
export async function nearestPartnerSchool(
  db: Kysely<Database>,
  point: Point,
  withinKm: number,
): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('placement_schools as s')
    .innerJoin('partnerships as p', 'p.school_id', 's.id')
    .select(['p.provider_id', 's.lat', 's.lon'])
    .where('p.status', '=', 'active')
    .where((eb) => withinBoxes(eb, boundingBoxes(point, withinKm)))
    .execute();
  const nearest = new Map<number, number>();
  for (const r of rows) {
    const km = distanceKm(point, { lat: r.lat, lon: r.lon });
    if (km <= withinKm && km < (nearest.get(r.provider_id) ?? Infinity)) nearest.set(r.provider_id, km);
  }
  return nearest;
}
