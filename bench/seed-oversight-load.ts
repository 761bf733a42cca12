import { sql } from 'kysely';
import { connectDatabase } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { seedOversightLoad } from './scenarios/oversight-data.ts';

/**
 * Fills a fresh database with the national dashboard's load and says how long it took:
 *   npx tsx bench/seed-oversight-load.ts sqlite:/tmp/oversight.sqlite [applications] [trainees] [days]
 *   npx tsx bench/seed-oversight-load.ts postgres://postgres@127.0.0.1:5432/test [applications] [trainees] [days]
 * On PostgreSQL the load goes into the schema bench_oversight (dropped first).
 *
 * Measured once (30 November 2026, 2 cores at a load average of about 20 from other work, so
 * an upper bound): 1,000,000 applications, 100,000 trainees, 150 days each (12.9 million day
 * rows) took 1,247 s on SQLite and 2,315 s on PostgreSQL 15, most of it the day rows.
 */
const [url = 'sqlite:/tmp/oversight-load.sqlite', applications = '1000000', trainees = '100000', days = '150'] =
  process.argv.slice(2);
const postgres = url.startsWith('postgres');
if (!postgres) {
  const { rmSync } = await import('node:fs');
  const file = url.slice('sqlite:'.length);
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
}
const handle = await connectDatabase(url, postgres ? { schema: 'bench_oversight' } : {});
if (postgres) {
  await sql`drop schema if exists bench_oversight cascade`.execute(handle.db);
  await sql`create schema bench_oversight`.execute(handle.db);
}
await migrateToLatest(handle);
const result = await seedOversightLoad(handle, {
  applications: Number(applications),
  trainees: Number(trainees),
  daysPerTrainee: Number(days),
  onStep: (step, seconds) => console.log(`${seconds.toFixed(1)} s  ${step}`),
});
console.log(JSON.stringify({ engine: handle.dialect, seconds: Number(result.seconds.toFixed(1)), rows: result.rows }));
await handle.close();
