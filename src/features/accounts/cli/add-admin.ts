import { loadConfig } from '../../../config.ts';
import { connectDatabase } from '../../../db/connect.ts';
import { migrateToLatest } from '../../../db/migrate.ts';
import { addAdmin } from '../repository.ts';
import { looksLikeEmail, normaliseEmail } from '../sign-in.ts';

/**
 * npm run users:add-admin -- EMAIL — makes the first DfE admin (or another one), who then
 * signs in at /provider/sign-in and adds each provider's first user. Safe to run again.
 * Exit codes: 0 added or already an admin; 1 refused; 2 usage.
 */
async function main(args: string[]): Promise<number> {
  const usage = 'Usage: npm run users:add-admin -- name@example.org';
  if (args.length !== 1 || args[0]!.startsWith('-')) {
    console.error(usage);
    return 2;
  }
  const email = normaliseEmail(args[0]!);
  if (!looksLikeEmail(email)) {
    console.error(`"${args[0]}" is not an email address in the correct format, like name@example.org\n${usage}`);
    return 2;
  }
  const config = loadConfig();
  const database = await connectDatabase(
    config.databaseUrl,
    config.databaseSchema ? { schema: config.databaseSchema } : {},
  );
  try {
    await migrateToLatest(database);
    const result = await addAdmin(database.db, email);
    const signIn = `${config.serviceUrl}/provider/sign-in`;
    if (result === 'added') {
      console.log(`Added ${email} as a DfE admin. They sign in at ${signIn} with a code sent to that address.`);
      return 0;
    }
    if (result === 'already-admin') {
      console.log(`${email} is already a DfE admin: nothing changed. They sign in at ${signIn}.`);
      return 0;
    }
    console.error(
      `${email} already has a ${result.refused} account, which cannot also be a DfE admin: nothing changed. Use another address.`,
    );
    return 1;
  } finally {
    await database.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
