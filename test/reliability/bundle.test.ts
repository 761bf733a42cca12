import { rmSync } from 'node:fs';
import { sql } from 'kysely';
import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromRoot } from '../../src/shared/paths.ts';
import { engines, openTestDatabase, POSTGRES_URL, type TestDatabase } from '../helpers/databases.ts';
import { HttpBrowser, runScript, startService, type ServiceProcess } from './real-processes.ts';

/**
 * `npm start` and `npm run serve` run the service bundled into one file (scripts/build-service.ts).
 * The bundle is made here from the sources, into a folder of its own inside the project (where it
 * finds node_modules and the content as dist/service.mjs does), and used as a person would.
 */
const folder = fromRoot('var', `test-bundle-${process.pid}`);
const bundle = `${folder}/service.mjs`;

beforeAll(async () => {
  const built = await runScript('build-service.ts', [bundle], {});
  expect(built.code, built.stderr).toBe(0);
}, 120_000);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe.each(engines)('the bundled service ($name)', (engine) => {
  let database: TestDatabase;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    if (engine.skip) return;
    database = await openTestDatabase(engine.name);
    service = await startService(
      {
        DATABASE_URL: engine.name === 'sqlite' ? database.url : POSTGRES_URL,
        ...(database.schema ? { DATABASE_SCHEMA: database.schema } : {}),
        RETENTION_INTERVAL_MINUTES: '0',
      },
      { bundle },
    );
  }, 120_000);
  afterAll(async () => {
    await service?.stop();
    await database?.dispose();
  });

  it.skipIf(engine.skip)(
    'answers the iQTS page, finds providers near a town, and takes a sign-in with its CSRF token',
    async () => {
      const browser = new HttpBrowser(service!.port);
      const content = await browser.get('/non-uk-teachers/international-qualified-teacher-status');
      expect(content.status).toBe(200);
      expect(cheerio.load(content.body)('h1').text()).toContain('international qualified teacher status');

      const finder = await browser.get('/providers?near=Lagos%2C+Nigeria');
      expect(finder.status).toBe(200);
      const $ = cheerio.load(finder.body);
      expect($('h1').text().trim().length).toBeGreaterThan(0);
      expect($('main').text()).toContain('Lagos');

      const email = 'bundle.check@example.org';
      const token = await browser.csrf('/sign-in');
      const signIn = await browser.post('/sign-in', { email }, token);
      expect(signIn.status).toBe(303);
      const codes = await sql<{ n: number }>`select count(*) as n from sign_in_codes where email = ${email}`.execute(
        database.db,
      );
      expect(Number(codes.rows[0]!.n)).toBe(1);

      // A POST without its token changes nothing.
      const refused = await browser.post('/sign-in', { email }, 'not-the-token');
      expect(refused.status).toBe(403);
    },
    60_000,
  );
});
