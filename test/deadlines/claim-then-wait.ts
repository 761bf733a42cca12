import { connectDatabase } from '../../src/db/connect.ts';
import { runDeadlines } from '../../src/features/deadlines/job.ts';

/**
 * A deadlines runner that claims due rows, says how many, and then waits to be killed:
 * the reliability test kills it (SIGKILL) between claiming and finishing.
 */
const url = process.env['DATABASE_URL']!;
const schema = process.env['DATABASE_SCHEMA'];
const now = new Date(process.env['RUN_AT']!);
const database = await connectDatabase(url, schema ? { schema } : {});
await runDeadlines(database.db, {
  serviceUrl: 'http://localhost:3000',
  now,
  afterClaim: async (rows) => {
    process.stdout.write(`claimed ${rows.length}\n`);
    await new Promise(() => undefined);
  },
});
