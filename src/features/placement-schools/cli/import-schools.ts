import { reportProblems, runProviderImport } from '../../providers/cli.ts';
import { validateSchoolsCsv } from '../import.ts';
import { importSchools } from '../repository.ts';

/** npm run import:schools FILE.csv --provider SLUG */
process.exitCode = await runProviderImport('import:schools', async ({ db, provider, text, file }) => {
  const { rows, problems } = validateSchoolsCsv(text);
  if (problems.length) return reportProblems(file, problems);
  const result = await importSchools(db, provider.id, rows);
  console.log(
    `${file}: ${rows.length} schools for ${provider.name}: ${result.added} added, ${result.updated} updated, ${result.unchanged} unchanged; ${result.partnershipsAdded} new partnerships.`,
  );
  return 0;
});
