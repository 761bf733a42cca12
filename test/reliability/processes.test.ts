import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as cheerio from 'cheerio';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CODES_PER_EMAIL } from '../../src/features/accounts/sign-in.ts';
import { latestCode } from '../helpers/accounts.ts';
import { engines, openTestDatabase, POSTGRES_URL, type TestDatabase } from '../helpers/databases.ts';
import { HttpBrowser, httpRequest, startService, type ServiceProcess } from './real-processes.ts';

/**
 * Several service processes on one PostgreSQL database, over real HTTP: limits, sessions
 * and email delivery hold across processes, and WEB_CONCURRENCY runs a cluster that
 * shares one port and replaces a worker that dies.
 */
const postgres = engines.find((e) => e.name === 'postgres')!;

describe.skipIf(postgres.skip)('several service processes on one PostgreSQL database', () => {
  let database: TestDatabase;
  let env: Record<string, string>;
  const services: ServiceProcess[] = [];
  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    env = { DATABASE_URL: POSTGRES_URL, DATABASE_SCHEMA: database.schema!, RETENTION_INTERVAL_MINUTES: '0' };
  }, 120_000);
  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop('SIGKILL')));
    await database?.dispose();
  });

  const count = async (table: 'sign_in_codes' | 'outbox', email: string) => {
    const row =
      table === 'outbox'
        ? await database.db
            .selectFrom('outbox')
            .select(sql<number>`count(*)`.as('n'))
            .where('to_email', '=', email)
            .executeTakeFirstOrThrow()
        : await database.db
            .selectFrom('sign_in_codes')
            .select(sql<number>`count(*)`.as('n'))
            .where('email', '=', email)
            .executeTakeFirstOrThrow();
    return Number(row.n);
  };

  it('two processes: 20 code requests for one address, alternating between them, store exactly 5 codes; each email is sent once; a session made on one works on the other', async () => {
    const [a, b] = await Promise.all([startService(env), startService(env)]);
    services.push(a!, b!);
    const ports = [a!.port, b!.port];
    expect(ports[0]).not.toBe(ports[1]);

    const email = 'two.processes@example.org';
    const browsers = Array.from({ length: 20 }, (_, i) => new HttpBrowser(ports[i % 2]!));
    const tokens: string[] = [];
    for (const browser of browsers) tokens.push(await browser.csrf('/sign-in'));
    const responses = await Promise.all(browsers.map((browser, i) => browser.post('/sign-in', { email }, tokens[i]!)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 303)).toHaveLength(MAX_CODES_PER_EMAIL);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20 - MAX_CODES_PER_EMAIL);
    expect(await count('sign_in_codes', email)).toBe(MAX_CODES_PER_EMAIL);
    expect(await count('outbox', email)).toBe(MAX_CODES_PER_EMAIL);

    // Both processes deliver the outbox; each email goes once.
    const sends = () =>
      [a!, b!].flatMap((s) => s.logs.filter((entry) => entry['msg'] === 'email sent (log transport)'));
    const deadline = Date.now() + 60_000;
    while (sends().length < MAX_CODES_PER_EMAIL && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 200));
    // A little longer: a second delivery of any of them would show now.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const references = sends().map((entry) => String(entry['reference']));
    expect(references).toHaveLength(MAX_CODES_PER_EMAIL);
    expect(new Set(references).size).toBe(MAX_CODES_PER_EMAIL);

    // Sign in: the address on one process, the code on the other; signed in on both.
    const person = new HttpBrowser(ports[0]!);
    const sent = await person.post('/sign-in', { email: 'both.ways@example.org' }, await person.csrf('/sign-in'));
    expect(sent.status).toBe(303);
    const code = await latestCode(database.db, 'both.ways@example.org');
    person.port = ports[1]!;
    const signedIn = await person.post('/sign-in/code', { code }, await person.csrf('/sign-in/code'));
    expect([signedIn.status, signedIn.headers['location']]).toEqual([303, '/application']);
    person.port = ports[0]!;
    const page = await person.get('/application');
    expect(page.status).toBe(200);
    expect(cheerio.load(page.body)('main').text()).toContain('Signed in as both.ways@example.org');
    // Signing out on one process ends the session on the other.
    const csrf = cheerio.load(page.body)('form[action="/sign-out"] input[name="_csrf"]').first().attr('value')!;
    expect((await person.post('/sign-out', {}, csrf)).status).toBe(303);
    person.port = ports[1]!;
    const after = await person.get('/application');
    expect([after.status, after.headers['location']]).toEqual([303, '/sign-in']);

    const byProcess = [a!, b!].map((s) => s.logs.filter((e) => e['msg'] === 'email sent (log transport)').length);
    console.log(
      `two processes (postgres): 20 requests alternating → ${statuses.filter((s) => s === 303).length} codes stored, ` +
        `${references.length} emails sent once each (${byProcess.join(' + ')} by process); session shared both ways`,
    );
    await Promise.all([a!.stop(), b!.stop()]);
    expect((await a!.exited).code).toBe(0);
  }, 300_000);

  it('WEB_CONCURRENCY=2: two workers share one port, a worker that dies is replaced, SIGTERM stops them all', async () => {
    const cluster = await startService({ ...env, WEB_CONCURRENCY: '2' }, { readyLines: 2 });
    services.push(cluster);
    const ready = cluster.logs.filter((e) => e['msg'] === 'iQTS service ready');
    expect(new Set(ready.map((e) => e['url'])).size).toBe(1);
    const workerPids = ready.map((e) => Number(e['pid']));
    expect(new Set(workerPids).size).toBe(2);

    // Connections are shared out between the workers.
    for (let i = 0; i < 12; i++) expect((await httpRequest(cluster.port, 'GET', '/sign-in')).status).toBe(200);
    const served = await cluster.waitForLog((e) => e['msg'] === 'request' && e['path'] === '/sign-in', 12);
    expect(new Set(served.map((e) => Number(e['pid']))).size).toBe(2);

    process.kill(workerPids[0]!, 'SIGKILL');
    await cluster.waitForLog((e) => e['msg'] === 'worker stopped unexpectedly: starting another');
    const readyAgain = await cluster.waitForLog((e) => e['msg'] === 'iQTS service ready', 3);
    expect(Number(readyAgain[2]!['pid'])).not.toBe(workerPids[0]);
    for (let i = 0; i < 4; i++) expect((await httpRequest(cluster.port, 'GET', '/health')).status).toBe(200);

    await cluster.stop('SIGTERM');
    expect((await cluster.exited).code).toBe(0);
    expect(cluster.logs.some((e) => e['msg'] === 'all workers stopped')).toBe(true);
    console.log(
      `cluster (postgres): 2 workers on one port served ${new Set(served.map((e) => e['pid'])).size} of 2; ` +
        'killed worker replaced; SIGTERM stopped all, exit 0',
    );
  }, 300_000);
});

describe('WEB_CONCURRENCY on SQLite', () => {
  it('runs one process and says so in the log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iqts-one-process-'));
    const service = await startService({ DATABASE_URL: `sqlite:${join(dir, 'iqts.sqlite')}`, WEB_CONCURRENCY: '3' });
    try {
      expect(service.logs.some((e) => String(e['msg']).startsWith('WEB_CONCURRENCY is ignored on SQLite'))).toBe(true);
      expect((await httpRequest(service.port, 'GET', '/health')).status).toBe(200);
      expect(service.logs.filter((e) => e['msg'] === 'iQTS service ready')).toHaveLength(1);
      expect(new Set(service.logs.map((e) => e['pid'])).size).toBe(1);
    } finally {
      await service.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
