import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../../config.ts';
import { connectDatabase } from '../../../db/connect.ts';
import { migrateToLatest } from '../../../db/migrate.ts';
import { loadReferenceProviders } from '../../providers/reference-data.ts';
import { parseDaysCsv } from '../import.ts';
import { importDays } from '../repository.ts';

/** npm run import:days FILE.csv --provider SLUG (the columns are described in ../import.ts) */
async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ options: { provider: { type: 'string' } }, allowPositionals: true });
  const file = positionals[0];
  // `npm run import:days FILE --provider SLUG` (without `--`): npm keeps --provider as its own
  // (boolean) setting and passes SLUG on as a second positional argument.
  if (values.provider === undefined && process.env['npm_config_provider'] !== undefined) {
    const fromNpm = process.env['npm_config_provider'];
    values.provider = fromNpm === 'true' || fromNpm === '' ? positionals[1] : fromNpm;
  }
  if (!file || !values.provider) {
    console.error('Usage: npm run import:days FILE.csv --provider SLUG');
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    console.error(`Cannot read ${file}: ${(error as Error).message}`);
    return 2;
  }
  const database = await connectDatabase(loadConfig().databaseUrl);
  try {
    await migrateToLatest(database);
    await loadReferenceProviders(database.db);
    const provider = await database.db
      .selectFrom('providers')
      .select(['id', 'name'])
      .where('slug', '=', values.provider)
      .executeTakeFirst();
    if (!provider) {
      console.error(
        `There is no provider with the slug "${values.provider}". Slugs are the last part of the provider's page address, /providers/SLUG.`,
      );
      return 2;
    }
    const result = await importDays(database.db, provider.id, parseDaysCsv(text));
    if (!result.ok) {
      const { problems } = result;
      console.error(
        `${file}: ${problems.length} row${problems.length === 1 ? '' : 's'} cannot be imported, so nothing was imported:`,
      );
      for (const p of problems) console.error(`  line ${p.line}: ${p.reasons.join('; ')}`);
      return 1;
    }
    const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;
    if (result.added === 0)
      console.log(
        `${file}: nothing added for ${provider.name}: all ${days(result.already)} in the file are already in the service.`,
      );
    else
      console.log(
        `${file}: ${days(result.added)} added for ${result.trainees} trainee${result.trainees === 1 ? '' : 's'} of ${provider.name}` +
          ` (${result.confirmed} confirmed, ${result.added - result.confirmed} awaiting the mentor);` +
          ` ${days(result.already)} already in the service.`,
      );
    return 0;
  } finally {
    await database.close();
  }
}

process.exitCode = await main();
