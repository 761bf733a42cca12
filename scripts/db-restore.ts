// npm run db:restore -- FILE: replaces the database the service's settings name with a backup. Stop the service first.
import { resolve } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { restoreDatabase } from '../src/db/backup.ts';
import { runCommand } from './db-command.ts';

await runCommand('npm run db:restore -- FILE', async (file) => {
  const summary = await restoreDatabase(loadConfig(), resolve(process.env['INIT_CWD'] ?? process.cwd(), file));
  const counts = Object.entries(summary.counts ?? {})
    .map(([table, n]) => `  ${table}: ${n}`)
    .join('\n');
  return [
    `Restored ${summary.file}; integrity check passed. Rows per table:`,
    counts,
    ...(summary.previous ? [`The database it replaced is kept at ${summary.previous}`] : []),
  ].join('\n');
});
