import { reportProblems, runProviderImport } from '../../providers/cli.ts';
import { parseDaysCsv } from '../import.ts';
import { importDays } from '../repository.ts';

/** npm run import:days FILE.csv --provider SLUG (the columns are described in ../import.ts) */
process.exitCode = await runProviderImport('import:days', async ({ db, provider, text, file }) => {
  const result = await importDays(db, provider.id, parseDaysCsv(text));
  if (!result.ok) return reportProblems(file, result.problems);
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
});
