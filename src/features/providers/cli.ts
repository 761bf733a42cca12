import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import { loadConfig } from '../../config.ts';
import { connectDatabase } from '../../db/connect.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import type { Database } from '../../db/schema.ts';
import { loadReferenceProviders } from './reference-data.ts';

/**
 * The shared part of a provider's import command (`npm run import:X FILE.csv --provider SLUG`):
 * the arguments, reading the file, the database and the provider. The import itself gets
 * them and returns the exit code; rows refused are reported by `reportProblems`.
 */
export async function runProviderImport(
  command: string,
  run: (input: {
    db: Kysely<Database>;
    provider: { id: number; name: string };
    text: string;
    file: string;
  }) => Promise<number>,
): Promise<number> {
  const { values, positionals } = parseArgs({ options: { provider: { type: 'string' } }, allowPositionals: true });
  const file = positionals[0];
  // `npm run import:X FILE --provider SLUG` (without `--`): npm keeps --provider as its own
  // (boolean) setting and passes SLUG on as a second positional argument.
  if (values.provider === undefined && process.env['npm_config_provider'] !== undefined) {
    const fromNpm = process.env['npm_config_provider'];
    values.provider = fromNpm === 'true' || fromNpm === '' ? positionals[1] : fromNpm;
  }
  if (!file || !values.provider) {
    console.error(`Usage: npm run ${command} FILE.csv --provider SLUG`);
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
    return await run({ db: database.db, provider, text, file });
  } finally {
    await database.close();
  }
}

/** Rows refused, with their line numbers: nothing was imported. */
export function reportProblems(file: string, problems: { line: number; reasons: string[] }[]): number {
  console.error(
    `${file}: ${problems.length} row${problems.length === 1 ? '' : 's'} cannot be imported, so nothing was imported:`,
  );
  for (const p of problems) console.error(`  line ${p.line}: ${p.reasons.join('; ')}`);
  return 1;
}
