// npm run db:backup -- FILE: a backup of the database the service's settings name (DATABASE_URL, DATABASE_SCHEMA).
import { resolve } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { backupDatabase } from '../src/db/backup.ts';
import { runCommand } from './db-command.ts';

await runCommand('npm run db:backup -- FILE', async (file) => {
  const config = loadConfig();
  const summary = await backupDatabase(config, resolve(process.env['INIT_CWD'] ?? process.cwd(), file));
  return `Backed up the ${config.databaseUrl.startsWith('sqlite:') ? 'SQLite' : 'PostgreSQL'} database to ${summary.file} (${summary.bytes} bytes)`;
});
