// npm run db:check: rows per table and the integrity check of the configured database. Exits 1 on a problem.
import { loadConfig } from '../src/config.ts';
import { connectDatabase } from '../src/db/connect.ts';
import { integrityProblems, rowCounts } from '../src/db/integrity.ts';

const config = loadConfig();
const database = await connectDatabase(
  config.databaseUrl,
  config.databaseSchema ? { schema: config.databaseSchema, poolSize: 1 } : { poolSize: 1 },
);
try {
  for (const [table, n] of Object.entries(await rowCounts(database))) console.log(`${table}: ${n}`);
  const problems = await integrityProblems(database);
  for (const problem of problems) console.error(problem);
  console.log(problems.length ? `${problems.length} problems found` : 'integrity check: ok');
  process.exitCode = problems.length ? 1 : 0;
} finally {
  await database.close();
}
