import { sql, type Kysely, type Transaction } from 'kysely';
import { recordAudit } from '../../audit/repository.ts';
import { isPostgres } from '../../db/migrations/helpers.ts';
import { PREPARED } from '../../db/prepared.ts';
import type { Database } from '../../db/schema.ts';
import { timeZoneAt } from '../../shared/local-dates.ts';
import {
  boundingBoxes,
  circleByStrips,
  distanceKm,
  latitudeStrips,
  type Box,
  type Point,
  type StripSpan,
} from '../../shared/places/geo.ts';
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
 * nearest first. The cost follows the page, not the crowd: the schools well inside the
 * circle are counted by the database without being read (see `circleByStrips`), only
 * those near its edge are read and measured, and the page comes from a smaller circle
 * grown until it holds the page. Exact great-circle distance decides throughout.
 */
export async function schoolsNear(
  db: Kysely<Database>,
  query: NearbyQuery,
): Promise<{ total: number; schools: NearbySchool[] }> {
  const partners: Partners = { providerId: query.providerId };
  const cut = circleByStrips(query.point, query.radiusKm);
  // Over a pole, or a circle too wide to cut: every school in its boxes is read.
  if (!cut) return nearbyPage(db, await schoolsWithin(db, query.point, query.radiusKm, partners), query);

  const wanted = query.offset + query.limit;
  // PostgreSQL runs queries side by side: beside the count, it looks for the page within a
  // sixth of the radius, which around a town usually holds it. SQLite runs one at a time,
  // so it sizes that circle from the count instead.
  let km = isPostgres(db) ? query.radiusKm / 6 : 0;
  const [inside, edge, near] = await Promise.all([
    countInSpans(db, cut.inside, partners),
    readSpans(db, cut.edge, partners).then((rows) => measured(query.point, query.radiusKm, rows)),
    km > 0 ? schoolsWithin(db, query.point, km, partners) : [],
  ]);
  const total = inside + edge.length;
  if (query.offset >= total) return { total, schools: [] };
  let within = near;
  while (within.length < wanted && km < query.radiusKm) {
    // A circle expected to hold half as many again as the page needs, grown until it holds them.
    km = Math.max(km * 2, query.radiusKm * 1.5 * Math.sqrt(wanted / total));
    if (km > query.radiusKm / 2) km = query.radiusKm;
    within = await schoolsWithin(db, query.point, km, partners);
  }
  return { total, schools: await pageOf(db, within, query) };
}

/** Whose partner schools are searched: every approved provider's, or one's. */
interface Partners {
  providerId: number | undefined;
}

/**
 * The approved providers (a handful), as a subquery the database runs once. "+ 0" on the
 * partnership's provider: it is checked in the place index's entries, never sought by the
 * (provider, school) index, which would read every partnership the provider has.
 */
function ofApprovedProvider(db: Kysely<Database>, partners: Partners) {
  return sql<boolean>`p.provider_id + 0 in (select id from providers where status = 'approved'${
    partners.providerId === undefined ? sql`` : sql` and id = ${partners.providerId}`
  })`;
}

/** Each school once, with its distance, those within `radiusKm` only, nearest first (ties by id). */
function measured(point: Point, radiusKm: number, rows: { school_id: number; lat: number; lon: number }[]) {
  const seen = new Set<number>();
  const within: { id: number; km: number }[] = [];
  for (const r of rows) {
    // A school with two partners is listed once.
    if (seen.has(r.school_id)) continue;
    seen.add(r.school_id);
    const km = distanceKm(point, { lat: r.lat, lon: r.lon });
    if (km <= radiusKm) within.push({ id: r.school_id, km });
  }
  return within.sort((a, b) => a.km - b.km || a.id - b.id);
}

/** Every partner school within `radiusKm`, nearest first: the circle's boxes read whole. */
async function schoolsWithin(db: Kysely<Database>, point: Point, radiusKm: number, partners: Partners) {
  const perBox = await Promise.all(
    boundingBoxes(point, radiusKm).map((box) =>
      activePartnershipsIn(db, box)
        .select(['p.school_id', 'p.school_lat as lat', 'p.school_lon as lon'])
        .where(ofApprovedProvider(db, partners))
        .modifyEnd(PREPARED)
        .execute(),
    ),
  );
  return measured(point, radiusKm, perBox.flat());
}

/**
 * The active partnerships with the approved providers in the spans: one index range a span,
 * the spans passed as one list so that the statement's text does not change with them.
 */
function inSpans(db: Kysely<Database>, spans: StripSpan[], partners: Partners, open: boolean, count: boolean) {
  const after = sql.raw(open ? '>' : '>=');
  const before = sql.raw(open ? '<' : '<=');
  const columns = sql.raw(
    count ? 'count(distinct p.school_id) as n' : 'p.school_id, p.school_lat as lat, p.school_lon as lon',
  );
  const approved = ofApprovedProvider(db, partners);
  if (isPostgres(db))
    return sql`select ${columns}
      from unnest(${spans.map((s) => s.strip)}::integer[], ${spans.map((s) => s.fromLon)}::double precision[],
        ${spans.map((s) => s.toLon)}::double precision[]) as r (strip, from_lon, to_lon)
      join partnerships p on p.school_strip = r.strip and p.school_lon ${after} r.from_lon and p.school_lon ${before} r.to_lon
      where p.status = 'active' and ${approved} ${PREPARED}`;
  // CROSS JOIN: SQLite walks the spans and seeks the index for each.
  return sql`select ${columns}
    from json_each(${JSON.stringify(spans.map((s) => [s.strip, s.fromLon, s.toLon]))}) as r
    cross join partnerships p
    where p.school_strip = r.value ->> 0 and p.school_lon ${after} r.value ->> 1 and p.school_lon ${before} r.value ->> 2
      and p.status = 'active' and ${approved}`;
}

/** How many schools are in the (open) spans, counted by the database. */
async function countInSpans(db: Kysely<Database>, spans: StripSpan[], partners: Partners): Promise<number> {
  if (spans.length === 0) return 0;
  const { rows } = await inSpans(db, spans, partners, true, true).execute(db);
  return Number((rows[0] as { n: number | string }).n);
}

/** The partnerships in the (closed) spans, to be measured. */
async function readSpans(db: Kysely<Database>, spans: StripSpan[], partners: Partners) {
  if (spans.length === 0) return [];
  return (await inSpans(db, spans, partners, false, false).execute(db)).rows as {
    school_id: number;
    lat: number;
    lon: number;
  }[];
}

/** The page of the nearest-first list asked for, each school with its details and approved partners. */
export async function nearbyPage(
  db: Kysely<Database>,
  within: { id: number; km: number }[],
  query: Pick<NearbyQuery, 'offset' | 'limit'>,
): Promise<{ total: number; schools: NearbySchool[] }> {
  return { total: within.length, schools: await pageOf(db, within, query) };
}

/** The page asked for of a nearest-first list, each school with its details and approved partners. */
async function pageOf(
  db: Kysely<Database>,
  within: { id: number; km: number }[],
  query: Pick<NearbyQuery, 'offset' | 'limit'>,
): Promise<NearbySchool[]> {
  const page = within.slice(query.offset, query.offset + query.limit);
  if (page.length === 0) return [];

  const ids = page.map((p) => p.id);
  const [rows, links] = await Promise.all([
    db.selectFrom('placement_schools').selectAll().where('id', 'in', ids).modifyEnd(PREPARED).execute(),
    db
      .selectFrom('partnerships as p')
      .innerJoin('providers as pr', 'pr.id', 'p.provider_id')
      .select(['p.school_id', 'pr.id', 'pr.slug', 'pr.name'])
      .where('p.school_id', 'in', ids)
      .where('p.status', '=', 'active')
      .where('pr.status', '=', 'approved')
      .orderBy('pr.name')
      .modifyEnd(PREPARED)
      .execute(),
  ]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return page.map(({ id, km }) => {
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
