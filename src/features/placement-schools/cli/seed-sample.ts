import { parseArgs } from 'node:util';
import { loadConfig } from '../../../config.ts';
import { connectDatabase } from '../../../db/connect.ts';
import { migrateToLatest } from '../../../db/migrate.ts';
import { loadReferenceProviders } from '../../providers/reference-data.ts';
import { seedSampleFigures } from '../../oversight/sample.ts';
import { SAMPLE_MENTORS, SAMPLE_RECRUITED, SAMPLE_TRAINEES } from '../../training/sample.ts';
import { DEFAULT_SAMPLE_SCHOOLS, removeSampleData, seedSampleData } from '../sample.ts';

/**
 * npm run seed:sample -- --schools N   |   npm run seed:sample -- --remove
 * Also adds sample mentors and trainees at every stage of training (not with --no-trainees).
 */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      schools: { type: 'string', default: String(DEFAULT_SAMPLE_SCHOOLS) },
      remove: { type: 'boolean', default: false },
      'no-trainees': { type: 'boolean', default: false },
    },
  });
  const config = loadConfig();
  const database = await connectDatabase(config.databaseUrl);
  try {
    await migrateToLatest(database);
    await loadReferenceProviders(database.db);
    if (values.remove) {
      const removed = await removeSampleData(database.db);
      console.log(`Removed the sample data: ${removed.providers} sample providers, ${removed.schools} sample schools.`);
      return 0;
    }
    const schools = Number(values.schools);
    if (!Number.isInteger(schools) || schools < 0 || schools > 5_000_000) {
      console.error('--schools must be a whole number from 0 to 5,000,000');
      return 2;
    }
    const started = Date.now();
    const step = Math.max(10_000, Math.round(schools / 20));
    let shown = 0;
    const added = await seedSampleData(database.db, schools, {
      ...(values['no-trainees'] ? {} : { trainees: { serviceUrl: config.serviceUrl } }),
      onProgress: (done) => {
        if (done - shown >= step || done === schools) {
          shown = done;
          process.stdout.write(
            `  ${done.toLocaleString('en-GB')} of ${schools.toLocaleString('en-GB')} sample schools…\n`,
          );
        }
      },
    });
    console.log(
      `Added sample data (labelled "Sample"): ${added.providers} providers, ${added.schools} schools, ${added.partnerships} partnerships, ${added.mentors} mentors, ${added.trainees} trainees in ${((Date.now() - started) / 1000).toFixed(1)} s. Remove it with: npm run seed:sample -- --remove`,
    );
    if (!values['no-trainees']) {
      // Applicants at every outcome and a past cohort's awards, so every national figure has data.
      const figures = await seedSampleFigures(database.db, config.serviceUrl);
      console.log(
        `Added ${figures.applications} sample applications and ${figures.awards} sample awards for the national figures (/admin/dashboard, /statistics).`,
      );
      // The people to sign in as at /dev/users (development tools on) to try the training pages.
      console.log('Sample mentors and trainees (sign in as them at /dev/users):');
      for (const m of SAMPLE_MENTORS) console.log(`  ${m.email}  ${m.name}, ${m.role} mentor`);
      for (const t of SAMPLE_TRAINEES) console.log(`  ${t.email}  ${t.name}: ${t.stage}`);
      console.log(`  ${SAMPLE_RECRUITED.email}  ${SAMPLE_RECRUITED.name}: recruited, training not started yet`);
    }
    return 0;
  } finally {
    await database.close();
  }
}

process.exitCode = await main();
