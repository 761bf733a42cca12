import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../../config.ts';
import { connectDatabase } from '../../../db/connect.ts';
import { migrateToLatest } from '../../../db/migrate.ts';
import { loadReferenceProviders } from '../../providers/reference-data.ts';
import { validateSchoolsCsv } from '../import.ts';
import { importSchools } from '../repository.ts';

/** npm run import:schools FILE.csv --provider SLUG */
async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ options: { provider: { type: 'string' } }, allowPositionals: true });
  const file = positionals[0];
  // `npm run import:schools FILE --provider SLUG` (without `--`): npm keeps --provider as its own
  // (boolean) setting and passes SLUG on as a second positional argument.
  if (values.provider === undefined && process.env['npm_config_provider'] !== undefined) {
    const fromNpm = process.env['npm_config_provider'];
    values.provider = fromNpm === 'true' || fromNpm === '' ? positionals[1] : fromNpm;
  }
  if (!file || !values.provider) {
    console.error('Usage: npm run import:schools FILE.csv --provider SLUG');
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
    const { rows, problems } = validateSchoolsCsv(text);
    if (problems.length) {
      console.error(
        `${file}: ${problems.length} row${problems.length === 1 ? '' : 's'} cannot be imported, so nothing was imported:`,
      );
      for (const p of problems) console.error(`  line ${p.line}: ${p.reasons.join('; ')}`);
      return 1;
    }
    const result = await importSchools(database.db, provider.id, rows);
    console.log(
      `${file}: ${rows.length} schools for ${provider.name}: ${result.added} added, ${result.updated} updated, ${result.unchanged} unchanged; ${result.partnershipsAdded} new partnerships.`,
    );
    return 0;
  } finally {
    await database.close();
  }
}

process.exitCode = await main();
