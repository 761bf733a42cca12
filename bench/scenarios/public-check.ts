import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { connectDatabase, openSqlite } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { loadReferenceProviders } from '../../src/features/providers/reference-data.ts';
import { workDir, type BenchContext } from '../lib/context.ts';
import { contender, type ScenarioResult } from '../lib/report.ts';
import { startService } from '../lib/service.ts';
import { runWrk } from '../lib/wrk.ts';

/**
 * Scenario 8: the public check of a teacher's record, over HTTP at 50 connections, with
 * 100,000 awarded teachers, on SQLite and PostgreSQL. Each request is the real POST (session
 * cookie and CSRF token, form body), through the rate limiter's upsert and the look-up;
 * half the requests find a record, half miss. Then the limiter across two processes sharing
 * PostgreSQL: both services are loaded in turn, and the 200s across both must equal the limit.
 */
const POSTGRES_URL = process.env['BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = 'bench_award';
const TEACHERS = 100_000;
const FIRST_TRN = 2_000_000;
const ID_BASE = 1_000_000;
type Engine = 'sqlite' | 'postgres';
type Value = string | number | null;

const COLUMNS = {
  users: 'id email name role is_sample created_at',
  applications:
    'id reference candidate_id provider_id status answers candidate_name country phase submitted_at updated_at created_at',
  trainees:
    'id application_id provider_id candidate_id name state start_date expected_end_date study_mode days_per_week ' +
    'age_range subjects training_country criteria_version cohort is_sample updated_at created_at',
  teachers: 'id trn email date_of_birth name created_at',
  awards:
    'id trainee_id teacher_id trn date_of_birth name outcome_date route training_country provider_id provider_name ' +
    'age_range subjects verify_code awarded_by awarded_at',
} as const;
type Table = keyof typeof COLUMNS;
const INT = new Set([
  'id',
  'candidate_id',
  'provider_id',
  'application_id',
  'days_per_week',
  'is_sample',
  'trainee_id',
  'teacher_id',
  'awarded_by',
]);

function rowsFor(providerId: number, from: number, to: number): Record<Table, Value[][]> {
  const stamp = new Date().toISOString();
  const out: Record<Table, Value[][]> = { users: [], applications: [], trainees: [], teachers: [], awards: [] };
  for (let i = from; i < to; i++) {
    const id = ID_BASE + i;
    const name = `Sample Bench Teacher ${i + 1}`;
    const email = `sample.bench.teacher${i + 1}@example.com`;
    const trn = String(FIRST_TRN + i);
    out.users.push([id, email, name, 'candidate', 1, stamp]);
    out.applications.push([
      id,
      `IQTS-C${(i + 1).toString(36).toUpperCase().padStart(6, '0')}`,
      id,
      providerId,
      'recruited',
      '{}',
      name,
      'NG',
      'secondary',
      stamp,
      stamp,
      stamp,
    ]);
    out.trainees.push([
      id,
      id,
      providerId,
      id,
      name,
      'awarded',
      '2025-09-01',
      '2026-06-30',
      'full-time',
      5,
      '11 to 16',
      '["Mathematics"]',
      'NG',
      '2025-04',
      '2025 to 2026',
      1,
      stamp,
      stamp,
    ]);
    out.teachers.push([id, trn, email, '1990-01-01', name, stamp]);
    out.awards.push([
      id,
      id,
      id,
      trn,
      '1990-01-01',
      name,
      '2026-06-30',
      'International Qualified Teacher Status',
      'NG',
      providerId,
      'Sample Provider Worldwide Online',
      '11 to 16',
      '["Mathematics"]',
      `bench${String(i).padStart(17, '0')}`,
      null,
      stamp,
    ]);
  }
  return out;
}

async function populate(engine: Engine, file: string): Promise<void> {
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
  await handle.close();
  const tables = Object.keys(COLUMNS) as Table[];
  if (engine === 'sqlite') {
    const raw: BetterSqlite3.Database = openSqlite(file);
    for (let from = 0; from < TEACHERS; from += 10_000) {
      const rows = rowsFor(providerId, from, Math.min(TEACHERS, from + 10_000));
      raw.transaction(() => {
        for (const table of tables) {
          const names = COLUMNS[table].split(' ');
          const stmt = raw.prepare(
            `insert into ${table} (${names.join(', ')}) values (${names.map(() => '?').join(', ')})`,
          );
          for (const row of rows[table]) stmt.run(...row);
        }
      })();
    }
    raw.exec('analyze');
    raw.close();
    return;
  }
  const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 1, options: `-c search_path=${SCHEMA}` });
  try {
    for (let from = 0; from < TEACHERS; from += 10_000) {
      const rows = rowsFor(providerId, from, Math.min(TEACHERS, from + 10_000));
      for (const table of tables) {
        const names = COLUMNS[table].split(' ');
        const arrays = names.map((_, i) => rows[table].map((r) => r[i]));
        const unnest = names.map((n, i) => `$${i + 1}::${INT.has(n) ? 'int' : 'text'}[]`).join(', ');
        await pool.query(`insert into ${table} (${names.join(', ')}) select * from unnest(${unnest})`, arrays);
      }
    }
    for (const table of tables)
      await pool.query(`select setval(pg_get_serial_sequence('${table}', 'id'), (select max(id) from ${table}))`);
    await pool.query('analyze');
  } finally {
    await pool.end();
  }
}

async function sharedHits(): Promise<number> {
  const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 1, options: `-c search_path=${SCHEMA}` });
  try {
    const res = await pool.query<{ n: string }>('select coalesce(sum(hits), 0) as n from check_rate_limits');
    return Number(res.rows[0]!.n);
  } finally {
    await pool.end();
  }
}

/** A session cookie and its CSRF token, as a browser would have them after opening the form. */
async function session(url: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${url}/check-a-teachers-record`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await res.text())?.[1];
  if (!cookie || !csrf) throw new Error('bench: the check page gave no session or CSRF token');
  return { cookie, csrf };
}

/** Half the requests name an awarded teacher's TRN and date of birth; half a TRN nobody holds. */
function script(file: string, s: { cookie: string; csrf: string }) {
  writeFileSync(
    file,
    `wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "${s.cookie}"
request = function()
  local trn = ${FIRST_TRN} + math.random(0, ${TEACHERS * 2 - 1})
  local body = "_csrf=${encodeURIComponent(s.csrf)}&trn=" .. trn .. "&dateOfBirth-day=1&dateOfBirth-month=1&dateOfBirth-year=1990"
  return wrk.format(nil, "/check-a-teachers-record", nil, body)
end
`,
  );
}

const serviceEnv = (engine: Engine, file: string, limit: number) => ({
  DATABASE_URL:
    engine === 'sqlite'
      ? `sqlite:${file}`
      : `${POSTGRES_URL}?options=${encodeURIComponent(`-c search_path=${SCHEMA}`)}`,
  CHECK_RATE_LIMIT: String(limit),
  RETENTION_INTERVAL_MINUTES: '0',
});

export async function publicCheck(ctx: BenchContext): Promise<ScenarioResult> {
  const contenders = [];
  const notes: string[] = [];
  const goals: ScenarioResult['goals'] = [];
  const engines: Engine[] = ['sqlite', 'postgres'];
  for (const engine of engines) {
    const file = join(workDir, 'public-check.sqlite');
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
    try {
      await populate(engine, file);
    } catch (error) {
      notes.push(`${engine}: not measured (${error instanceof Error ? error.message : String(error)})`);
      continue;
    }
    // A limit no bench reaches: every request does the limiter's work and the look-up.
    const service = await startService({ env: serviceEnv(engine, file, 100_000_000) });
    try {
      const luaFile = join(workDir, 'public-check.lua');
      script(luaFile, await session(service.url));
      const rps: number[] = [];
      const p99: number[] = [];
      for (let r = 0; r < ctx.rounds; r++) {
        const result = runWrk(`${service.url}/check-a-teachers-record`, {
          connections: ctx.connections,
          seconds: ctx.seconds,
          script: luaFile,
        });
        if (result.non2xx > 0) notes.push(`${engine}: ${result.non2xx} non-2xx responses in round ${r + 1}`);
        rps.push(result.requestsPerSecond);
        p99.push(result.p99);
      }
      contenders.push(
        contender(`${engine}, ${TEACHERS.toLocaleString('en-GB')} teachers`, 'req/s', rps, { 'p99 ms': p99 }),
      );
    } finally {
      await service.stop();
    }
  }

  // The limiter across two processes sharing PostgreSQL.
  if (contenders.some((c) => c.name.startsWith('postgres'))) {
    const LIMIT = 500;
    const a = await startService({ env: serviceEnv('postgres', '', LIMIT) });
    const b = await startService({ env: serviceEnv('postgres', '', LIMIT) });
    try {
      const pgPool = new pg.Pool({ connectionString: POSTGRES_URL, max: 1, options: `-c search_path=${SCHEMA}` });
      await pgPool.query('delete from check_rate_limits');
      await pgPool.end();
      let ok = 0;
      let total = 0;
      for (const service of [a, b, a, b]) {
        const luaFile = join(workDir, `public-check-${service.port}.lua`);
        script(luaFile, await session(service.url));
        const result = runWrk(`${service.url}/check-a-teachers-record`, {
          connections: 10,
          seconds: 1,
          script: luaFile,
        });
        ok += result.requests - result.non2xx;
        total += result.requests;
      }
      const counted = await sharedHits();
      // Separate limiters would let up to twice the limit through; one shared limit lets at most the limit.
      // (wrk stops mid-flight: a request the service counted may not be counted by wrk, so "at most".)
      goals.push({
        label: `two processes sharing PostgreSQL, limit ${LIMIT} per address: 200s across both (of ${total} requests; ${counted} counted in the database)`,
        value: ok,
        goal: `≤ ${LIMIT} (separate limits: up to ${LIMIT * 2})`,
        met: ok <= LIMIT && ok >= LIMIT * 0.8,
      });
    } finally {
      await a.stop();
      await b.stop();
    }
  }
  return {
    id: 'public-check',
    title: `Public check of a teacher's record: POSTs per second at ${ctx.connections} connections (half hits, half misses)`,
    higherIsBetter: true,
    contenders,
    goals,
    notes,
  };
}
