import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { sql } from 'kysely';
import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromRoot } from '../../src/shared/paths.ts';
import { engines, openTestDatabase, POSTGRES_URL, type TestDatabase } from '../helpers/databases.ts';
import { HttpBrowser, runScript, startService, type ServiceProcess } from './real-processes.ts';

/**
 * `npm start` and `npm run serve` run the service bundled into one file, and `npm run content:build`
 * the static export (scripts/build-service.ts). The bundles are made here from the sources, into a
 * folder of their own inside the project (where they find node_modules and the content as dist/
 * does), and used as a person would.
 */
const folder = fromRoot('var', `test-bundle-${process.pid}`);
const bundle = `${folder}/service.mjs`;

beforeAll(async () => {
  const built = await runScript('build-service.ts', [folder], {});
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

describe('the bundled service keeps its compiled code between starts', () => {
  const caches = () => readdirSync(folder).filter((name) => name.endsWith('.v8cache'));
  const page = '/non-uk-teachers/international-qualified-teacher-status';

  /** One start on a database of its own: how its code was compiled, the iQTS page, and whether it saved the code. */
  const startOnce = async () => {
    const database = await openTestDatabase('sqlite');
    const service = await startService({ DATABASE_URL: database.url, RETENTION_INTERVAL_MINUTES: '0' }, { bundle });
    try {
      const ready = service.logs.find((entry) => entry['msg'] === 'iQTS service ready')!;
      const content = await new HttpBrowser(service.port).get(page);
      await service.waitForLog((entry) => entry['msg'] === 'content pages rendered');
      // Saving follows the rendered pages' log line at once, when it happens at all.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const saved = service.logs.some((entry) => entry['msg'] === 'compiled code saved for the next start');
      return { code: ready['code'], status: content.status, h1: cheerio.load(content.body)('h1').text(), saved };
    } finally {
      await service.stop();
      await database.dispose();
    }
  };

  it('compiles and saves on a first start, starts from the saved code next time, and compiles again when the file is damaged', async () => {
    for (const name of caches()) rmSync(join(folder, name));

    const first = await startOnce();
    expect(first).toMatchObject({ code: 'compiled', status: 200, saved: true });
    expect(first.h1).toContain('international qualified teacher status');
    expect(caches()).toHaveLength(1);
    const cacheFile = join(folder, caches()[0]!);

    const second = await startOnce();
    expect(second).toEqual({ ...first, code: 'from cache', saved: false });

    // A file cut short, then one of other bytes: V8 refuses each, the service compiles and writes a good one.
    const good = readFileSync(cacheFile);
    for (const damaged of [good.subarray(0, good.length >> 1), Buffer.alloc(good.length, 7)]) {
      writeFileSync(cacheFile, damaged);
      const again = await startOnce();
      expect(again).toEqual({ ...first, code: 'cache refused', saved: true });
      expect(readFileSync(cacheFile).equals(damaged)).toBe(false);
      expect(caches()).toHaveLength(1);
    }
    expect((await startOnce()).code).toBe('from cache');
  }, 180_000);
});

describe('the bundled static export', () => {
  const work = mkdtempSync(join(tmpdir(), 'bundled-export-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const files = (dir: string) => {
    const found = new Map<string, Buffer>();
    for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true }))
      if (!entry.isDirectory()) {
        const full = join(entry.parentPath, entry.name);
        found.set(relative(dir, full), readFileSync(full));
      }
    return found;
  };
  const exportWith = (command: string[], out: string, threads: number) =>
    execFileSync(
      command[0]!,
      [...command.slice(1), '--content', fromRoot('content'), '--out', out, '--threads', String(threads)],
      {
        cwd: fromRoot('.'),
        encoding: 'utf8',
        env: { ...process.env, SERVICE_URL: 'https://example.test' },
      },
    );

  it("writes the repository's content byte for byte as the export from source does, on one thread and on two", () => {
    const source = join(work, 'source');
    expect(exportWith([fromRoot('node_modules/.bin/tsx'), fromRoot('src/content/cli/build.ts')], source, 1)).toMatch(
      /on 1 thread;/,
    );
    const expected = files(source);
    expect(expected.has('non-uk-teachers/international-qualified-teacher-status/index.html')).toBe(true);
    for (const threads of [1, 2]) {
      const out = join(work, `bundled-${threads}`);
      expect(exportWith([process.execPath, `${folder}/content-build.mjs`], out, threads)).toMatch(
        new RegExp(`on ${threads} threads?;`),
      );
      const got = files(out);
      expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
      expect([...expected].filter(([path, bytes]) => !bytes.equals(got.get(path)!)).map(([path]) => path)).toEqual([]);
    }
  }, 120_000);
});
