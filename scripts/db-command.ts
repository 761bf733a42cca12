import { BackupError } from '../src/db/backup.ts';

/** Runs a database command that takes one file: its answer on stdout, a refusal on stderr with exit code 1. */
export async function runCommand(usage: string, work: (file: string) => Promise<string>): Promise<void> {
  const file = process.argv[2];
  if (!file || process.argv.length > 3) {
    console.error(`Usage: ${usage}`);
    process.exit(2);
  }
  try {
    console.log(await work(file));
  } catch (error) {
    // A refusal is shown as it is; anything else with its stack, to help find the cause.
    console.error(error instanceof BackupError ? error.message : error);
    process.exit(1);
  }
}
