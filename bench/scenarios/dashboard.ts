import { adminScope } from '../../src/shared/scope.ts';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { connectDatabase, openSqlite, type DatabaseHandle } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { DASHBOARD_VIEW, dashboardView } from '../../src/features/oversight/admin-routes.ts';
import { foldTallies } from '../../src/features/oversight/tallies.ts';
import { random, seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { loadReferenceProviders } from '../../src/features/providers/reference-data.ts';
import { cohortOf } from '../../src/features/training/repository.ts';
import { criteriaFor } from '../../src/features/training/requirements.ts';
import { loadManifest } from '../../src/platform/assets.ts';
import { createViews } from '../../src/platform/views.ts';
import { addDays } from '../../src/shared/local-dates.ts';
import { workDir, type BenchContext } from '../lib/context.ts';
import { contender, type ContenderResult, type ScenarioResult } from '../lib/report.ts';
import { median, percentile } from '../lib/stats.ts';

/**
 * Scenario 9: the DfE's national dashboard, rendered in process (the route's own work:
 * every figure's grouped query, the charts, the page through Nunjucks; no HTTP), at 100,000
 * then 1,000,000 submitted applications, with a trainee for one application in ten (10,000
 * then 100,000) carrying their placement-day rows, and an award for a third of the trainees,
 * on SQLite and PostgreSQL. Two views: everything (the applications' figures from their
 * maintained tallies, migration 0027; the trainees' and awards' from covering indexes, 0022)
 * and one provider over one academic year (every figure a range on the date that leads its
 * index). The rows are written in bulk by the raw driver, through the tallies' triggers.
 */
const POSTGRES_URL = process.env['BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = 'bench_dashboard';
const ID_BASE = 1_000_000;
/** Rows per bulk write. */
const BATCH = 20_000;

type Engine = 'sqlite' | 'postgres';
type Value = string | number | null;
interface Column {
  name: string;
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
    'id:i reference candidate_id:i provider_id:i status answers candidate_name country phase submitted_at ' +
      'decided_at decision_days:i updated_at created_at',
  ),
  trainees: cols(
    'id:i application_id:i provider_id:i candidate_id:i name state start_date expected_end_date study_mode ' +
      'days_per_week:i age_range subjects training_country criteria_version cohort confirmed_halves:i counted_weeks:i ' +
      'is_sample:i updated_at created_at',
  ),
  placements: cols('id:i trainee_id:i school_id:i mentor_id:i start_date end_date time_zone created_at'),
  placement_days: cols('id:i trainee_id:i placement_id:i date halves:i kind status updated_at created_at'),
  teachers: cols('id:i trn email date_of_birth name created_at'),
  awards: cols(
    'id:i trainee_id:i teacher_id:i trn date_of_birth name outcome_date route training_country provider_id:i ' +
      'provider_name age_range subjects verify_code awarded_at',
  ),
} as const;
type Table = keyof typeof TABLES;

interface Writer {
  insert(table: Table, rows: Value[][]): Promise<void>;
  close(): Promise<void>;
}

function sqliteWriter(file: string): Writer {
  const raw: BetterSqlite3.Database = openSqlite(file);
  const statements = new Map<Table, BetterSqlite3.Statement>();
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
    async close() {
      raw.close();
    },
  };
}

function postgresWriter(): Writer {
  const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 2, options: `-c search_path=${SCHEMA}` });
  return {
    async insert(table, rows) {
      const columns = TABLES[table];
      const unnest = columns.map((c, i) => `$${i + 1}::${c.pgType}[]`).join(', ');
      for (let from = 0; from < rows.length; from += BATCH) {
        const slice = rows.slice(from, from + BATCH);
        await pool.query(
          `insert into ${table} (${columns.map((c) => c.name).join(', ')}) select * from unnest(${unnest})`,
          columns.map((_, i) => slice.map((r) => r[i])),
        );
      }
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

const COUNTRIES = ['NG', 'AE', 'IN', 'GH', 'KE', 'ZA', 'PK', 'MY', 'SG', 'BR', 'ES', 'SA', 'QA', 'EG', 'CN', 'US'];
/** Status by weight: most applications end decided. */
const STATUSES: [string, number][] = [
  ['awaiting-decision', 8],
  ['interviewing', 5],
  ['offer', 4],
  ['conditions-pending', 6],
  ['recruited', 10],
  ['conditions-not-met', 2],
  ['rejected', 30],
  ['declined', 8],
  ['offer-withdrawn', 2],
  ['withdrawn', 25],
];
const DECIDED = new Set([
  'offer',
  'conditions-pending',
  'recruited',
  'conditions-not-met',
  'rejected',
  'declined',
  'offer-withdrawn',
]);
const TRAINEE_STATES = [
  'in-training',
  'in-training',
  'in-training',
  'awarded',
  'awarded',
  'deferred',
  'withdrawn',
  'recommended',
];

interface Fixture {
  engine: Engine;
  handle: DatabaseHandle;
  writer: Writer;
  providers: { id: number; name: string }[];
  schools: { id: number; mentorId: number }[];
  applications: number;
  nextDay: number;
}

async function open(engine: Engine): Promise<Fixture> {
  const file = join(workDir, 'dashboard.sqlite');
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
  const providers = await handle.db.selectFrom('providers').select(['id', 'name']).orderBy('id').execute();
  // Twenty placement schools, each with a mentor, shared by every provider's trainees.
  const now = new Date().toISOString();
  const schools: Fixture['schools'] = [];
  for (let i = 0; i < 20; i++) {
    const country = COUNTRIES[i % COUNTRIES.length]!;
    const school = await handle.db
      .insertInto('placement_schools')
      .values({
        name: `Sample Bench Dashboard School ${i + 1}`,
        town: 'Sample town',
        country,
        lat: 0,
        lon: 0,
        phases: null,
        languages: null,
        match_key: `bench-dashboard|${i}`,
        is_sample: 1,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const user = await handle.db
      .insertInto('users')
      .values({
        email: `sample.bench.dashboard.mentor${i + 1}@example.com`,
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
        provider_id: providers[i % providers.length]!.id,
        school_id: school.id,
        name: `Sample Bench Mentor ${i + 1}`,
        mentor_role: 'general',
        trained_on: '2024-06-14',
        is_sample: 1,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    schools.push({ id: school.id, mentorId: mentor.id });
  }
  const writer = engine === 'sqlite' ? sqliteWriter(file) : postgresWriter();
  return { engine, handle, writer, providers, schools, applications: 0, nextDay: 0 };
}

/** Grows the data to `size` applications (a trainee for one in ten, with `daysEach` day rows). */
async function growTo(f: Fixture, size: number, daysEach: number): Promise<void> {
  const rand = random(size + 7);
  const totalWeight = STATUSES.reduce((a, [, w]) => a + w, 0);
  const status = () => {
    let x = rand() * totalWeight;
    for (const [s, w] of STATUSES) if ((x -= w) < 0) return s;
    return 'withdrawn';
  };
  // Submissions over the last three years.
  const end = Date.now() - 86_400_000;
  const span = 3 * 365 * 86_400_000;
  const stamp = new Date().toISOString();
  for (let from = f.applications; from < size; from += BATCH) {
    const to = Math.min(size, from + BATCH);
    const rows: Record<Table, Value[][]> = {
      users: [],
      applications: [],
      trainees: [],
      placements: [],
      placement_days: [],
      teachers: [],
      awards: [],
    };
    for (let i = from; i < to; i++) {
      const id = ID_BASE + i;
      const provider = f.providers[i % f.providers.length]!;
      const country = COUNTRIES[Math.floor(rand() * COUNTRIES.length)]!;
      const submitted = new Date(end - Math.floor(rand() * span));
      const s = i % 10 === 0 ? 'recruited' : status();
      const days = DECIDED.has(s) ? Math.floor(rand() * rand() * 90) : null;
      const decided =
        days === null ? null : new Date(submitted.getTime() + days * 86_400_000 + 3_600_000).toISOString();
      const name = `Sample Bench Applicant ${i + 1}`;
      rows.users.push([id, `sample.bench.applicant${i + 1}@example.com`, name, 'candidate', 1, stamp]);
      rows.applications.push([
        id,
        `IQTS-D${(i + 1).toString(36).toUpperCase().padStart(6, '0')}`,
        id,
        provider.id,
        s,
        '{}',
        name,
        country,
        'secondary',
        submitted.toISOString(),
        decided,
        days,
        stamp,
        stamp,
      ]);
      if (i % 10 !== 0) continue;
      // A trainee, their placement and day rows; a third awarded.
      const start = addDays(submitted.toISOString().slice(0, 10), 90);
      const finish = addDays(start, 7 * 39);
      const state = TRAINEE_STATES[Math.floor(rand() * TRAINEE_STATES.length)]!;
      const halves = Math.floor(rand() * 240);
      const school = f.schools[i % f.schools.length]!;
      rows.trainees.push([
        id,
        id,
        provider.id,
        id,
        name,
        state,
        start,
        finish,
        'full-time',
        5,
        '11 to 16',
        '["Mathematics"]',
        country,
        criteriaFor(start),
        cohortOf(start),
        halves,
        Math.floor(halves / 10),
        1,
        stamp,
        stamp,
      ]);
      rows.placements.push([id, id, school.id, school.mentorId, start, finish, 'UTC', stamp]);
      for (let d = 0; d < daysEach; d++) {
        rows.placement_days.push([
          ID_BASE + f.nextDay++,
          id,
          id,
          addDays(start, d + 2 * Math.floor(d / 5)),
          2,
          'teaching',
          d < halves / 2 ? 'confirmed' : 'logged',
          stamp,
          stamp,
        ]);
      }
      if (state === 'awarded') {
        const awarded = `${addDays(finish, 20)}T12:00:00.000Z`;
        const trn = String(2_000_000 + i);
        rows.teachers.push([id, trn, `sample.bench.applicant${i + 1}@example.com`, '1990-01-01', name, stamp]);
        rows.awards.push([
          id,
          id,
          id,
          trn,
          '1990-01-01',
          name,
          finish,
          'International Qualified Teacher Status',
          country,
          provider.id,
          provider.name,
          '11 to 16',
          '["Mathematics"]',
          `benchdash${String(i).padStart(12, '0')}`,
          awarded,
        ]);
      }
    }
    for (const table of Object.keys(rows) as Table[]) if (rows[table].length) await f.writer.insert(table, rows[table]);
    f.applications = to;
  }
  // What the service's minute job and the database's own maintenance would have done by now:
  // the tallies' appended changes folded in, and (PostgreSQL's autovacuum after a bulk load)
  // the visibility map set, so the covering indexes answer without visiting the table.
  const folded = performance.now();
  await foldTallies(f.handle.db);
  console.log(`    ${f.engine}: tallies folded in ${Math.round(performance.now() - folded)} ms`);
  await sql.raw(f.engine === 'postgres' ? 'vacuum analyze' : 'analyze').execute(f.handle.db);
}

const time = async (fn: () => Promise<unknown>) => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};

export async function dashboard(ctx: BenchContext): Promise<ScenarioResult> {
  const sizes = ctx.quick ? [2_000, 20_000] : [100_000, 1_000_000];
  const daysEach = ctx.quick ? 10 : 120;
  const renders = ctx.quick ? 5 : 20;
  // BENCH_ENGINES=postgres (or sqlite) measures one engine; BENCH_KEEP=1 keeps its data to look into.
  const only = process.env['BENCH_ENGINES']?.split(',');
  const engines: Engine[] = only?.includes('postgres') && !only.includes('sqlite') ? [] : ['sqlite'];
  const notes: string[] = [];
  if ((!only || only.includes('postgres')) && (await postgresReachable())) engines.push('postgres');
  else notes.push(`PostgreSQL at ${POSTGRES_URL} was not reachable: SQLite only.`);
  const views = createViews({ assets: loadManifest(), govukBrand: false, primaryNavigation: [], serviceUrl: '' });

  const contenders: ContenderResult[] = [];
  const goals: ScenarioResult['goals'] = [];
  for (const engine of engines) {
    const f = await open(engine);
    const p50 = new Map<number, number>();
    try {
      for (const size of sizes) {
        const seeded = performance.now();
        await growTo(f, size, daysEach);
        const trainees = size / 10;
        console.log(
          `    ${engine}: ${size.toLocaleString('en-GB')} applications, ${trainees.toLocaleString('en-GB')} trainees, ` +
            `${(trainees * daysEach).toLocaleString('en-GB')} day rows (seeded in ${Math.round((performance.now() - seeded) / 1000)} s)`,
        );
        const year = new Date().getUTCFullYear() - 1;
        const views_: [string, Record<string, string>][] = [
          ['everything', {}],
          [
            'one provider, one year',
            {
              provider: String(f.providers[0]!.id),
              'from-day': '1',
              'from-month': '9',
              'from-year': String(year - 1),
              'to-day': '31',
              'to-month': '8',
              'to-year': String(year),
            },
          ],
        ];
        for (const [view, query] of views_) {
          const label = `${engine}, ${size.toLocaleString('en-GB')} applications: ${view}`;
          const p50s: number[] = [];
          const p99s: number[] = [];
          let bytes = 0;
          for (let r = 1; r <= ctx.rounds; r++) {
            const samples: number[] = [];
            for (let k = 0; k < renders; k++)
              samples.push(
                await time(async () => {
                  const page = await dashboardView(f.handle.db, adminScope(0), query);
                  if (page.status !== 200) throw new Error(`dashboard answered ${page.status}`);
                  bytes = views.render(DASHBOARD_VIEW, page.context).length;
                }),
              );
            p50s.push(median(samples));
            p99s.push(percentile(samples, 99));
            console.log(
              `  round ${r}: ${label}: p50 ${median(samples).toFixed(1)} ms, p99 ${percentile(samples, 99).toFixed(1)} ms`,
            );
          }
          contenders.push(contender(label, 'ms p50', p50s, { 'p99 ms': p99s, 'page KB': [bytes / 1024] }));
          if (view === 'everything') p50.set(size, median(p50s));
        }
      }
      const [small, large] = sizes as [number, number];
      if (engine === 'postgres' && !ctx.quick)
        goals.push({
          label: `postgres: the whole dashboard's p50 at ${large.toLocaleString('en-GB')} applications (ms)`,
          value: Math.round(p50.get(large)! * 10) / 10,
          goal: '< 200',
          met: p50.get(large)! < 200,
        });
      const growth = p50.get(large)! / p50.get(small)!;
      // Every figure reads a narrow index, not the table: ten times the rows should cost at most ten times.
      goals.push({
        label: `${engine}: growth of the whole dashboard's p50 from ${small.toLocaleString('en-GB')} to ${large.toLocaleString('en-GB')} applications`,
        value: Math.round(growth * 10) / 10,
        goal: `≤ ${large / small}× (the rows grow ${large / small}×)`,
        met: growth <= large / small,
      });
    } finally {
      await f.writer.close();
      if (engine === 'postgres' && process.env['BENCH_KEEP'] === undefined)
        await sql`drop schema if exists ${sql.id(SCHEMA)} cascade`.execute(f.handle.db);
      await f.handle.close();
    }
  }
  return {
    id: 'dashboard',
    title: 'National dashboard: milliseconds to render (every figure, chart and table), by data size and engine',
    higherIsBetter: false,
    contenders,
    goals,
    notes,
  };
}
