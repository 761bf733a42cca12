import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { connectDatabase, openSqlite, type DatabaseHandle } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { random, seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { loadReferenceProviders } from '../../src/features/providers/reference-data.ts';
import { cohortOf, listTrainees, providerTrainee, traineeRecord } from '../../src/features/training/repository.ts';
import { criteriaFor, progress, type DayForProgress } from '../../src/features/training/requirements.ts';
import { addDays, timeZoneAt, weekStart } from '../../src/shared/local-dates.ts';
import { providerScope, type ProviderScope } from '../../src/shared/scope.ts';
import { workDir, type BenchContext } from '../lib/context.ts';
import { contender, type ContenderResult, type ScenarioResult } from '../lib/report.ts';
import { median, percentile } from '../lib/stats.ts';

/**
 * Scenario 7: a trainee's progress page and the provider's "behind the requirement" list,
 * over 1,000 then 10,000 trainees of one provider with 150 logged days each (1.5 million
 * placement-day rows), on SQLite and PostgreSQL. The rows are written in bulk by the raw
 * driver; the reads are the service's own repository calls:
 * - progress page data: `providerTrainee` + `traineeRecord` (placements, every day,
 *   evidence, reviews and the progress rule) for a random trainee, against the floor of
 *   reading the same trainee's day rows with the raw driver;
 * - the "behind" list: `listTrainees` with behind: true over all the provider's trainees.
 * The progress page should cost the same at 10× the trainees (its cost follows one
 * trainee's rows, through the (trainee_id, date, status) index), so the goal is flat.
 */
const POSTGRES_URL = process.env['BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = 'bench_training';
const DAYS_EACH = 150;
const SCHOOLS = 50;
/** Trainees written per batch: 150,000 day rows at a time. */
const BATCH = 1000;

type Engine = 'sqlite' | 'postgres';
type Value = string | number | null;
interface Column {
  name: string;
  /** PostgreSQL array element type, for insert … select from unnest(…). */
  pgType: 'int' | 'text';
}
const cols = (spec: string): Column[] =>
  spec.split(' ').map((c) => {
    const [name, type] = c.split(':');
    return { name: name!, pgType: type === 'i' ? 'int' : 'text' };
  });

const TABLES = {
  users: cols('id:i email name role is_sample:i created_at'),
  applications: cols(
    'id:i reference candidate_id:i provider_id:i status answers candidate_name country phase submitted_at updated_at created_at',
  ),
  trainees: cols(
    'id:i application_id:i provider_id:i candidate_id:i name state start_date expected_end_date study_mode days_per_week:i ' +
      'age_range subjects training_country criteria_version cohort confirmed_halves:i counted_weeks:i is_sample:i updated_at created_at',
  ),
  placements: cols('id:i trainee_id:i school_id:i mentor_id:i start_date end_date time_zone created_at'),
  placement_days: cols(
    'id:i trainee_id:i placement_id:i date halves:i kind note status query_reason source updated_at created_at',
  ),
} as const;
type Table = keyof typeof TABLES;

/** Writes rows with the raw driver: one transaction per call. */
interface BulkWriter {
  insert(table: Table, rows: Value[][]): Promise<void>;
  /** The floor: one trainee's day rows, read by the raw driver. */
  readDays(traineeId: number): Promise<number>;
  close(): Promise<void>;
}

function sqliteWriter(file: string): BulkWriter {
  const raw: BetterSqlite3.Database = openSqlite(file);
  const statements = new Map<Table, BetterSqlite3.Statement>();
  const days = raw.prepare(
    'select id, placement_id, date, halves, kind, note, status, query_reason from placement_days where trainee_id = ? order by date, id',
  );
  return {
    async insert(table, rows) {
      let stmt = statements.get(table);
      if (!stmt) {
        const names = TABLES[table].map((c) => c.name);
        stmt = raw.prepare(`insert into ${table} (${names.join(', ')}) values (${names.map(() => '?').join(', ')})`);
        statements.set(table, stmt);
      }
      const s = stmt;
      raw.transaction(() => {
        for (const row of rows) s.run(...row);
      })();
    },
    async readDays(traineeId) {
      return days.all(traineeId).length;
    },
    async close() {
      raw.close();
    },
  };
}

function postgresWriter(): BulkWriter {
  const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 2, options: `-c search_path=${SCHEMA}` });
  return {
    async insert(table, rows) {
      const columns = TABLES[table];
      const arrays = columns.map((_, i) => rows.map((r) => r[i]));
      const unnest = columns.map((c, i) => `$${i + 1}::${c.pgType}[]`).join(', ');
      const client = await pool.connect();
      try {
        await client.query('begin');
        // 20,000 rows a statement: one array parameter a column.
        for (let from = 0; from < rows.length; from += 20_000)
          await client.query(
            `insert into ${table} (${columns.map((c) => c.name).join(', ')}) select * from unnest(${unnest})`,
            arrays.map((a) => a.slice(from, from + 20_000)),
          );
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw error;
      } finally {
        client.release();
      }
    },
    async readDays(traineeId) {
      const res = await pool.query(
        'select id, placement_id, date, halves, kind, note, status, query_reason from placement_days where trainee_id = $1 order by date, id',
        [traineeId],
      );
      return res.rowCount ?? 0;
    },
    async close() {
      await pool.end();
    },
  };
}

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const KINDS = ['teaching', 'teaching', 'observing', 'intensive-training', 'other-school-based'];
const CITIES = [
  { town: 'Dubai', country: 'AE', lat: 25.2, lon: 55.27 },
  { town: 'Lagos', country: 'NG', lat: 6.45, lon: 3.39 },
  { town: 'Auckland', country: 'NZ', lat: -36.85, lon: 174.76 },
  { town: 'Honolulu', country: 'US', lat: 21.31, lon: -157.86 },
  { town: 'Singapore', country: 'SG', lat: 1.29, lon: 103.85 },
];

interface Fixture {
  engine: Engine;
  handle: DatabaseHandle;
  writer: BulkWriter;
  providerId: number;
  scope: ProviderScope;
  schools: { id: number; mentorId: number; timeZone: string; country: string }[];
  trainees: number;
  nextDayId: number;
}

/** The provider (sample data), its partner schools and their mentors: a few rows, through Kysely. */
async function open(engine: Engine): Promise<Fixture> {
  const file = join(workDir, 'training-progress.sqlite');
  if (engine === 'sqlite') for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  const handle = await connectDatabase(
    engine === 'sqlite' ? `sqlite:${file}` : POSTGRES_URL,
    engine === 'postgres' ? { schema: SCHEMA } : {},
  );
  if (engine === 'postgres') {
    await sql`drop schema if exists ${sql.id(SCHEMA)} cascade`.execute(handle.db);
    await sql`create schema ${sql.id(SCHEMA)}`.execute(handle.db);
  }
  await migrateToLatest(handle);
  await loadReferenceProviders(handle.db);
  await seedSampleData(handle.db, 0);
  const { id: providerId } = await handle.db
    .selectFrom('providers')
    .select('id')
    .where('slug', '=', 'sample-provider-worldwide-online')
    .executeTakeFirstOrThrow();
  const { id: userId } = await handle.db
    .selectFrom('users')
    .select('id')
    .where('email', '=', 'sample.provider1@example.com')
    .executeTakeFirstOrThrow();
  const now = new Date().toISOString();
  const schools: Fixture['schools'] = [];
  for (let i = 0; i < SCHOOLS; i++) {
    const city = CITIES[i % CITIES.length]!;
    const name = `Sample Bench Training School ${i + 1}`;
    const school = await handle.db
      .insertInto('placement_schools')
      .values({
        name,
        town: city.town,
        country: city.country,
        lat: city.lat,
        lon: city.lon,
        phases: '["secondary"]',
        languages: '["English"]',
        verified: 1,
        match_key: `bench|${i}`,
        is_sample: 1,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await handle.db
      .insertInto('partnerships')
      .values({ provider_id: providerId, school_id: school.id, status: 'active', started_on: null, ended_on: null })
      .execute();
    const user = await handle.db
      .insertInto('users')
      .values({
        email: `sample.bench.mentor${i + 1}@example.com`,
        name: `Sample Bench Mentor ${i + 1}`,
        role: 'mentor',
        is_sample: 1,
        created_at: now,
        last_signed_in_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const mentor = await handle.db
      .insertInto('mentors')
      .values({
        user_id: user.id,
        provider_id: providerId,
        school_id: school.id,
        name: `Sample Bench Mentor ${i + 1}`,
        mentor_role: 'general',
        trained_on: '2024-06-14',
        is_sample: 1,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    schools.push({
      id: school.id,
      mentorId: mentor.id,
      timeZone: timeZoneAt(city.lat, city.lon),
      country: city.country,
    });
  }
  const writer = engine === 'sqlite' ? sqliteWriter(file) : postgresWriter();
  return {
    engine,
    handle,
    writer,
    providerId,
    scope: providerScope(userId, 'manage-trainees', [providerId]),
    schools,
    trainees: 0,
    nextDayId: 1,
  };
}

/** Row ids for the bulk rows start here, clear of the few rows written through Kysely. */
const ID_BASE = 1_000_000;

/**
 * Adds trainees until there are `target`, each with one placement and 150 logged days:
 * most mentors confirmed everything; some weeks still await the mentor or are queried.
 * Seven in ten trainees are in school five days a week (a half day now and then); the
 * rest three, so their weeks do not count and they fall behind. The summary columns are
 * the progress rule's own figures.
 */
async function growTo(f: Fixture, target: number, today: string) {
  const thisMonday = weekStart(today);
  const stamp = new Date().toISOString();
  while (f.trainees < target) {
    const from = f.trainees;
    const to = Math.min(target, from + BATCH);
    const rows: Record<Table, Value[][]> = {
      users: [],
      applications: [],
      trainees: [],
      placements: [],
      placement_days: [],
    };
    for (let i = from; i < to; i++) {
      const rand = random(7919 * (i + 1));
      const id = ID_BASE + i;
      const school = f.schools[i % f.schools.length]!;
      const perWeek = rand() < 0.7 ? 5 : 3;
      const weekdays = perWeek === 5 ? [0, 1, 2, 3, 4] : [0, 2, 4];
      const weeksNeeded = Math.ceil(DAYS_EACH / perWeek);
      const start = addDays(thisMonday, -7 * (weeksNeeded + 1 + Math.floor(rand() * 8)));
      const end = addDays(start, Math.max(39, weeksNeeded + 4) * 7 - 3);
      const days: (DayForProgress & { kind: string; note: string | null; reason: string | null })[] = [];
      const awaiting = rand() < 0.5 ? 5 : 0;
      const queried = rand() < 0.2 ? 2 : 0;
      for (let w = 0; days.length < DAYS_EACH; w++)
        for (const d of weekdays) {
          if (days.length === DAYS_EACH) break;
          const n = days.length;
          const status =
            n >= DAYS_EACH - awaiting ? 'logged' : n >= DAYS_EACH - awaiting - queried ? 'queried' : 'confirmed';
          days.push({
            date: addDays(start, w * 7 + d),
            halves: n % 50 === 49 ? 1 : 2,
            status,
            kind: KINDS[n % KINDS.length]!,
            note: n % 10 === 0 ? `Sample note ${n}` : null,
            reason: status === 'queried' ? 'Sample query: please check this date' : null,
          });
        }
      const criteria = criteriaFor(start);
      const p = progress({
        criteria,
        daysPerWeek: 5,
        policyWeekDays: null,
        startDate: start,
        expectedEndDate: end,
        today,
        days,
      });
      const name = `Sample Bench Trainee ${i + 1}`;
      rows.users.push([id, `sample.bench.trainee${i + 1}@example.com`, name, 'candidate', 1, stamp]);
      rows.applications.push([
        id,
        `IQTS-B${(i + 1).toString(36).toUpperCase().padStart(6, '0')}`,
        id,
        f.providerId,
        'recruited',
        '{}',
        name,
        school.country,
        'secondary',
        stamp,
        stamp,
        stamp,
      ]);
      rows.trainees.push([
        id,
        id,
        f.providerId,
        id,
        name,
        rand() < 0.05 ? 'deferred' : 'in-training',
        start,
        end,
        'full-time',
        5,
        '11 to 16',
        '["Mathematics"]',
        school.country,
        criteria,
        cohortOf(start),
        p.confirmedDays * 2,
        p.countedWeeks,
        1,
        stamp,
        stamp,
      ]);
      rows.placements.push([id, id, school.id, school.mentorId, start, end, school.timeZone, stamp]);
      for (const d of days)
        rows.placement_days.push([
          ID_BASE + f.nextDayId++,
          id,
          id,
          d.date,
          d.halves,
          d.kind,
          d.note,
          d.status,
          d.reason,
          'trainee',
          stamp,
          stamp,
        ]);
    }
    for (const table of Object.keys(rows) as Table[]) await f.writer.insert(table, rows[table]);
    f.trainees = to;
  }
  // Explicit ids do not move PostgreSQL's sequences: move them, so a later insert gets a free id.
  if (f.engine === 'postgres')
    for (const table of Object.keys(TABLES))
      await sql`select setval(pg_get_serial_sequence(${table}, 'id'), (select max(id) from ${sql.table(table)}))`.execute(
        f.handle.db,
      );
  await sql`analyze`.execute(f.handle.db);
}

const time = async (fn: () => Promise<unknown>) => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};

export async function trainingProgress(ctx: BenchContext): Promise<ScenarioResult> {
  const sizes = ctx.quick ? [100, 1_000] : [1_000, 10_000];
  const pages = ctx.quick ? 50 : 500;
  const lists = ctx.quick ? 3 : 10;
  const engines: Engine[] = ['sqlite'];
  const notes: string[] = [];
  if (await postgresReachable()) engines.push('postgres');
  else notes.push(`PostgreSQL at ${POSTGRES_URL} was not reachable: SQLite only.`);
  const today = new Date().toISOString().slice(0, 10);

  const contenders: ContenderResult[] = [];
  const goals: ScenarioResult['goals'] = [];
  for (const engine of engines) {
    const f = await open(engine);
    const p50 = new Map<string, number>();
    try {
      for (const size of sizes) {
        const seeded = performance.now();
        await growTo(f, size, today);
        console.log(
          `    ${engine}: ${size.toLocaleString('en-GB')} trainees, ${(size * DAYS_EACH).toLocaleString('en-GB')} days ` +
            `(seeded in ${Math.round((performance.now() - seeded) / 1000)} s)`,
        );
        const label = `${engine}, ${size.toLocaleString('en-GB')} trainees (${(size * DAYS_EACH).toLocaleString('en-GB')} days)`;
        const runs = { page: [] as number[][], floor: [] as number[][], list: [] as number[][] };
        const pick = random(size);
        let behind = 0;
        for (let r = 1; r <= ctx.rounds; r++) {
          const page: number[] = [];
          const floor: number[] = [];
          const list: number[] = [];
          for (let k = 0; k < pages; k++) {
            const id = ID_BASE + Math.floor(pick() * size);
            page.push(
              await time(async () => {
                const trainee = await providerTrainee(f.handle.db, f.scope, id);
                if (!trainee) throw new Error(`trainee ${id} not found`);
                const record = await traineeRecord(f.handle.db, trainee);
                if (record.days.length !== DAYS_EACH) throw new Error(`trainee ${id}: ${record.days.length} days`);
              }),
            );
            floor.push(await time(() => f.writer.readDays(id)));
          }
          for (let k = 0; k < lists; k++)
            list.push(
              await time(async () => {
                behind = (await listTrainees(f.handle.db, f.scope, { behind: true, page: 1 }, 50)).total;
              }),
            );
          runs.page.push(page);
          runs.floor.push(floor);
          runs.list.push(list);
          console.log(
            `  round ${r}: ${label}: progress page data p50 ${median(page).toFixed(2)} ms (raw days ${median(floor).toFixed(2)} ms), ` +
              `behind list p50 ${median(list).toFixed(1)} ms (${behind} behind)`,
          );
        }
        const p50s = (xs: number[][]) => xs.map((x) => median(x));
        const p99s = (xs: number[][]) => xs.map((x) => percentile(x, 99));
        contenders.push(
          contender(`${label}: progress page data (providerTrainee + traineeRecord)`, 'ms p50', p50s(runs.page), {
            'p99 ms': p99s(runs.page),
          }),
          contender(`${label}: raw driver, the trainee's day rows only (floor)`, 'ms p50', p50s(runs.floor), {
            'p99 ms': p99s(runs.floor),
          }),
          contender(`${label}: "behind the requirement" list (listTrainees)`, 'ms p50', p50s(runs.list), {
            'p99 ms': p99s(runs.list),
            behind: [behind],
          }),
        );
        p50.set(`page:${size}`, median(p50s(runs.page)));
        p50.set(`p99:${size}`, median(p99s(runs.page)));
        p50.set(`list:${size}`, median(p50s(runs.list)));
      }
    } finally {
      await f.writer.close();
      if (engine === 'postgres' && process.env['BENCH_KEEP'] === undefined)
        await sql`drop schema if exists ${sql.id(SCHEMA)} cascade`.execute(f.handle.db);
      await f.handle.close();
      if (engine === 'sqlite' && process.env['BENCH_KEEP'] === undefined) {
        const file = join(workDir, 'training-progress.sqlite');
        for (const x of [file, `${file}-wal`, `${file}-shm`]) rmSync(x, { force: true });
      }
    }
    const [small, large] = sizes as [number, number];
    const factor = large / small;
    const pageGrowth = p50.get(`page:${large}`)! / p50.get(`page:${small}`)!;
    const listGrowth = p50.get(`list:${large}`)! / p50.get(`list:${small}`)!;
    goals.push(
      {
        label: `${engine}: progress page p50 growth for ${factor}× the trainees`,
        value: pageGrowth,
        goal: '≤ 1.5 (flat)',
        met: pageGrowth <= 1.5,
      },
      {
        label: `${engine}: progress page p99 at ${large.toLocaleString('en-GB')} trainees (ms)`,
        value: p50.get(`p99:${large}`)!,
        goal: '< 50',
        met: p50.get(`p99:${large}`)! < 50,
      },
      {
        label: `${engine}: "behind" list p50 at ${large.toLocaleString('en-GB')} trainees (ms)`,
        value: p50.get(`list:${large}`)!,
        goal: '< 500',
        met: p50.get(`list:${large}`)! < 500,
      },
      {
        label: `${engine}: "behind" list growth for ${factor}× the trainees`,
        value: listGrowth,
        goal: '(for comparison: one summary row a trainee, so it grows with them)',
        met: true,
      },
    );
  }
  return {
    id: 'training-progress',
    title: `7. A trainee's progress page and the "behind" list, ${DAYS_EACH} logged days a trainee (ms; lower is better)`,
    higherIsBetter: false,
    contenders,
    goals,
    notes,
  };
}
