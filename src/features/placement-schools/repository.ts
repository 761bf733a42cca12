import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../../audit/repository.ts';
import type { Database } from '../../db/schema.ts';
import { timeZoneAt } from '../../shared/local-dates.ts';
import { boundingBoxes, distanceKm, latitudeStrips, type Box, type Point } from '../../shared/places/geo.ts';
import type { ProviderScope } from '../../shared/scope.ts';
import { schoolMatchKey, type SchoolRow } from './import.ts';

/**
 * Placement schools and partnerships: the only module that reads or writes
 * `placement_schools` and `partnerships`. The finders' distance searches are public; a
 * provider's own list and its changes take the provider scope.
 */
const list = <T>(text: string | null): T[] | null => (text === null ? null : (JSON.parse(text) as T[]));

/**
 * Active partnerships (aliased `p`) whose school lies in the box: one seek of the
 * `partnerships_place` index per 0.1° latitude strip the box crosses, reading only the box's
 * longitudes in each. The status, provider and school position come from the index entry.
 */
function activePartnershipsIn(db: Kysely<Database>, box: Box) {
  const strips = latitudeStrips(box);
  return (
    db
      .selectFrom('partnerships as p')
      // A box of most of the globe (a radius of thousands of km) is read as one range instead.
      .$if(strips.length <= 360, (qb) => qb.where('p.school_strip', 'in', strips))
      .$if(strips.length > 360, (qb) =>
        qb.where('p.school_strip', '>=', strips[0]!).where('p.school_strip', '<=', strips.at(-1)!),
      )
      .where('p.school_lon', '>=', box.minLon)
      .where('p.school_lon', '<=', box.maxLon)
      .where('p.school_lat', '>=', box.minLat)
      .where('p.school_lat', '<=', box.maxLat)
      .where('p.status', '=', 'active')
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
 * nearest first. The partnerships' place index narrows the search to the circle's bounding
 * boxes; exact great-circle distance decides.
 */
export async function schoolsNear(
  db: Kysely<Database>,
  query: NearbyQuery,
): Promise<{ total: number; schools: NearbySchool[] }> {
  // The approved providers (a handful) as a list, checked inside the index scan.
  const approved = (await db.selectFrom('providers').select('id').where('status', '=', 'approved').execute())
    .map((p) => p.id)
    .filter((id) => query.providerId === undefined || id === query.providerId);
  if (approved.length === 0) return { total: 0, schools: [] };
  const perBox = await Promise.all(
    boundingBoxes(query.point, query.radiusKm).map((box) =>
      activePartnershipsIn(db, box)
        .select(['p.school_id', 'p.school_lat', 'p.school_lon'])
        .where('p.provider_id', 'in', approved)
        .execute(),
    ),
  );
  // A school with two partners is listed once.
  const seen = new Set<number>();
  const within: { id: number; km: number }[] = [];
  for (const rows of perBox) {
    for (const r of rows) {
      if (seen.has(r.school_id)) continue;
      seen.add(r.school_id);
      const km = distanceKm(query.point, { lat: r.school_lat, lon: r.school_lon });
      if (km <= query.radiusKm) within.push({ id: r.school_id, km });
    }
  }
  within.sort((a, b) => a.km - b.km || a.id - b.id);
  return nearbyPage(db, within, query);
}

/** The page of the nearest-first list asked for, each school with its details and approved partners. */
export async function nearbyPage(
  db: Kysely<Database>,
  within: { id: number; km: number }[],
  query: Pick<NearbyQuery, 'offset' | 'limit'>,
): Promise<{ total: number; schools: NearbySchool[] }> {
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
  const rows = (
    await Promise.all(
      boundingBoxes(point, withinKm).map((box) =>
        activePartnershipsIn(db, box).select(['p.provider_id', 'p.school_lat as lat', 'p.school_lon as lon']).execute(),
      ),
    )
  ).flat();
  const nearest = new Map<number, number>();
  for (const r of rows) {
    const km = distanceKm(point, { lat: r.lat, lon: r.lon });
    if (km <= withinKm && km < (nearest.get(r.provider_id) ?? Infinity)) nearest.set(r.provider_id, km);
  }
  return nearest;
}

export interface ImportResult {
  added: number;
  updated: number;
  unchanged: number;
  partnershipsAdded: number;
}

/**
 * The one way a school joins a provider's partners: the school is found (by name, town
 * and country) or created, and the partnership made or made active again. Unique indexes
 * on the school's key and on (provider, school) keep concurrent additions to one row each.
 */
export async function addPartnerSchool(
  trx: Transaction<Database> | Kysely<Database>,
  providerId: number,
  row: Omit<SchoolRow, 'line'>,
  verified: boolean,
  now = new Date(),
): Promise<number> {
  const key = schoolMatchKey(row.name, row.country, row.town);
  const stamp = now.toISOString();
  await trx
    .insertInto('placement_schools')
    .values({
      name: row.name,
      town: row.town,
      country: row.country,
      lat: row.lat,
      lon: row.lon,
      phases: row.phases ? JSON.stringify(row.phases) : null,
      languages: row.languages ? JSON.stringify(row.languages) : null,
      verified: verified ? 1 : 0,
      match_key: key,
      created_at: stamp,
    })
    .onConflict((oc) => oc.column('match_key').doNothing())
    .execute();
  const { id } = await trx
    .selectFrom('placement_schools')
    .select('id')
    .where('match_key', '=', key)
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('partnerships')
    .values({
      provider_id: providerId,
      school_id: id,
      status: 'active',
      started_on: stamp.slice(0, 10),
      ended_on: null,
    })
    .onConflict((oc) =>
      oc
        .columns(['provider_id', 'school_id'])
        .doUpdateSet({ status: 'active', started_on: stamp.slice(0, 10), ended_on: null })
        .where('partnerships.status', '!=', 'active'),
    )
    .execute();
  return id;
}

/** Writes the checked rows in one transaction: all or nothing. */
export async function importSchools(
  db: Kysely<Database>,
  providerId: number,
  rows: SchoolRow[],
  now = new Date(),
): Promise<ImportResult> {
  const stamp = now.toISOString();
  return db.transaction().execute(async (trx) => {
    const result: ImportResult = { added: 0, updated: 0, unchanged: 0, partnershipsAdded: 0 };
    for (const row of rows) {
      const key = schoolMatchKey(row.name, row.country, row.town);
      const values = {
        name: row.name,
        country: row.country,
        town: row.town,
        lat: row.lat,
        lon: row.lon,
        phases: row.phases ? JSON.stringify(row.phases) : null,
        languages: row.languages ? JSON.stringify(row.languages) : null,
        verified: row.verified ? 1 : 0,
      };
      const existing = await trx
        .selectFrom('placement_schools')
        .selectAll()
        .where('match_key', '=', key)
        .executeTakeFirst();
      let schoolId: number;
      if (!existing) {
        schoolId = (
          await trx
            .insertInto('placement_schools')
            .values({ ...values, match_key: key, created_at: stamp })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id;
        result.added++;
      } else {
        schoolId = existing.id;
        const same = (Object.keys(values) as (keyof typeof values)[]).every((k) => existing[k] === values[k]);
        if (same) result.unchanged++;
        else {
          await trx.updateTable('placement_schools').set(values).where('id', '=', schoolId).execute();
          result.updated++;
        }
      }
      const link = await trx
        .selectFrom('partnerships')
        .select(['id', 'status'])
        .where('provider_id', '=', providerId)
        .where('school_id', '=', schoolId)
        .executeTakeFirst();
      if (!link) {
        await trx
          .insertInto('partnerships')
          .values({
            provider_id: providerId,
            school_id: schoolId,
            status: 'active',
            started_on: stamp.slice(0, 10),
            ended_on: null,
          })
          .execute();
        result.partnershipsAdded++;
      }
    }
    return result;
  });
}

// A provider's own partner schools. Each takes the provider scope and one provider id in it.

const inScope = (scope: ProviderScope, providerId: number) => scope.providerIds.includes(providerId);

export async function partnerSchools(db: Kysely<Database>, scope: ProviderScope, providerId: number) {
  if (!inScope(scope, providerId)) return [];
  return db
    .selectFrom('partnerships as p')
    .innerJoin('placement_schools as s', 's.id', 'p.school_id')
    .select([
      'p.id as partnershipId',
      'p.status',
      'p.started_on',
      'p.ended_on',
      's.id as schoolId',
      's.name',
      's.town',
      's.country',
      's.verified',
    ])
    .where('p.provider_id', '=', providerId)
    .orderBy('p.status')
    .orderBy('s.name')
    .limit(500)
    .execute();
}

/** One partner school of this provider, by its partnership id; undefined for anything else. */
export async function partnerSchool(
  db: Kysely<Database>,
  scope: ProviderScope,
  providerId: number,
  partnershipId: number,
) {
  if (!inScope(scope, providerId)) return undefined;
  return db
    .selectFrom('partnerships as p')
    .innerJoin('placement_schools as s', 's.id', 'p.school_id')
    .select(['p.id as partnershipId', 's.id', 's.name', 's.town', 's.country', 's.phases', 's.languages', 's.verified'])
    .where('p.id', '=', partnershipId)
    .where('p.provider_id', '=', providerId)
    .executeTakeFirst();
}

/** An active partner school of one of the scope's providers, by the school's id. */
export async function activePartnerSchool(
  db: Kysely<Database>,
  scope: ProviderScope,
  providerId: number,
  schoolId: number,
) {
  if (!inScope(scope, providerId)) return undefined;
  return db
    .selectFrom('partnerships as p')
    .innerJoin('placement_schools as s', 's.id', 'p.school_id')
    .select(['s.id', 's.name'])
    .where('p.school_id', '=', schoolId)
    .where('p.provider_id', '=', providerId)
    .where('p.status', '=', 'active')
    .executeTakeFirst();
}

/** A school's name and place: shown on an application it was proposed for. */
export async function schoolSummary(db: Kysely<Database> | Transaction<Database>, schoolId: number) {
  return db
    .selectFrom('placement_schools')
    .select(['id', 'name', 'town', 'country', 'verified'])
    .where('id', '=', schoolId)
    .executeTakeFirst();
}

/** A school's name and time zone (from its coordinates): its placement days are local dates there. */
export async function schoolPlace(db: Kysely<Database> | Transaction<Database>, schoolId: number) {
  const row = await db
    .selectFrom('placement_schools')
    .select(['id', 'name', 'lat', 'lon'])
    .where('id', '=', schoolId)
    .executeTakeFirst();
  return row && { id: row.id, name: row.name, timeZone: timeZoneAt(row.lat, row.lon) };
}

export async function addSchoolForProvider(
  db: Kysely<Database>,
  scope: ProviderScope,
  providerId: number,
  row: Omit<SchoolRow, 'line'>,
): Promise<boolean> {
  if (!inScope(scope, providerId)) return false;
  await db.transaction().execute(async (trx) => {
    // Added by the provider itself: verified.
    const schoolId = await addPartnerSchool(trx, providerId, row, true);
    await recordAudit(trx, {
      actorUserId: scope.userId,
      providerId,
      applicationId: null,
      action: 'add-partner-school',
      detail: { schoolId },
    });
  });
  return true;
}

export type SchoolEdit = { phases: string[]; languages: string[]; verified: boolean };

/**
 * Changes a partner school's details. A school shared with another provider is theirs too:
 * one provider does not rewrite it (checked in the same statement as the change).
 */
export async function editPartnerSchool(
  db: Kysely<Database>,
  scope: ProviderScope,
  providerId: number,
  schoolId: number,
  edit: SchoolEdit,
): Promise<'changed' | 'shared' | 'not-found'> {
  if (!inScope(scope, providerId)) return 'not-found';
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('placement_schools')
      .set({
        phases: edit.phases.length ? JSON.stringify(edit.phases) : null,
        languages: edit.languages.length ? JSON.stringify(edit.languages) : null,
        verified: edit.verified ? 1 : 0,
      })
      .where('id', '=', schoolId)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('partnerships')
            .select('id')
            .where('school_id', '=', schoolId)
            .where('provider_id', '=', providerId),
        ),
      )
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('partnerships')
              .select('id')
              .where('school_id', '=', schoolId)
              .where('provider_id', '!=', providerId),
          ),
        ),
      )
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) {
      const ours = await trx
        .selectFrom('partnerships')
        .select('id')
        .where('school_id', '=', schoolId)
        .where('provider_id', '=', providerId)
        .executeTakeFirst();
      return ours ? 'shared' : 'not-found';
    }
    await recordAudit(trx, {
      actorUserId: scope.userId,
      providerId,
      applicationId: null,
      action: 'edit-partner-school',
      detail: { schoolId },
    });
    return 'changed';
  });
}

/** Ends an active partnership; false when there is none of this provider's to end. */
export async function endPartnership(
  db: Kysely<Database>,
  scope: ProviderScope,
  providerId: number,
  partnershipId: number,
  now = new Date(),
) {
  if (!inScope(scope, providerId)) return false;
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('partnerships')
      .set({ status: 'ended', ended_on: now.toISOString().slice(0, 10) })
      .where('id', '=', partnershipId)
      .where('provider_id', '=', providerId)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;
    await recordAudit(trx, {
      actorUserId: scope.userId,
      providerId,
      applicationId: null,
      action: 'end-partnership',
      detail: { partnershipId },
    });
    return true;
  });
}
