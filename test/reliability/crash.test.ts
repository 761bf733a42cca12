import * as cheerio from 'cheerio';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { integrityProblems } from '../../src/db/integrity.ts';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { loadReferenceProviders } from '../../src/features/providers/reference-data.ts';
import { latestCode, signIn } from '../helpers/accounts.ts';
import { FormClient } from '../helpers/app.ts';
import { completeApplication } from '../helpers/applications.ts';
import { engines, openTestDatabase, POSTGRES_URL, type TestDatabase } from '../helpers/databases.ts';
import { HttpBrowser, startService, type ServiceProcess } from './real-processes.ts';

/**
 * The service killed with SIGKILL while candidates submit applications, five times. After
 * each restart, every submit that was acknowledged (its 303) is there with its audit row
 * and its emails, no submit is half-made, and the database passes its integrity check.
 */
const ROUNDS = 5;
const CANDIDATES_PER_ROUND = 24;
const AT_ONCE = 6;
/** The kill comes when this many submits have been acknowledged, with others in flight. */
const KILL_AFTER_ACKS = 8;

interface Candidate {
  email: string;
  reference: string;
  browser: HttpBrowser;
  csrf: string;
  outcome: 'not sent' | 'acknowledged' | 'cut off';
}

for (const engine of engines) {
  describe.skipIf(engine.skip)(`crash while submitting (${engine.name})`, () => {
    let database: TestDatabase;
    let env: Record<string, string>;
    let service: ServiceProcess | undefined;
    let answers: string;
    let providerId: number;

    beforeAll(async () => {
      database = await openTestDatabase(engine.name);
      env = {
        DATABASE_URL: engine.name === 'sqlite' ? database.url : POSTGRES_URL,
        ...(database.schema ? { DATABASE_SCHEMA: database.schema } : {}),
        RETENTION_INTERVAL_MINUTES: '0',
      };
      await loadReferenceProviders(database.db);
      await seedSampleData(database.db, 0);
      // One application filled in through the pages; the candidates below start from its answers.
      const app = await buildApp({
        config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: database.url }),
        database,
      });
      await app.ready();
      const client = new FormClient(app);
      await signIn(client, database.db, 'first.candidate@example.org');
      await completeApplication(client);
      await app.close();
      const draft = await database.db
        .selectFrom('applications')
        .select(['answers', 'provider_id'])
        .where('status', '=', 'draft')
        .executeTakeFirstOrThrow();
      answers = draft.answers;
      providerId = draft.provider_id!;
    }, 180_000);
    afterAll(async () => {
      await service?.stop('SIGKILL');
      await database?.dispose();
    });

    /** Candidates with complete drafts, written while the service is stopped (SQLite has one writer at a time). */
    const addCandidates = async (round: number): Promise<Omit<Candidate, 'browser' | 'csrf'>[]> => {
      const now = new Date().toISOString();
      const made = [];
      for (let i = 0; i < CANDIDATES_PER_ROUND; i++) {
        const email = `crash.r${round}.c${i}@example.org`;
        const reference = `IQTS-C${round}${String(i).padStart(5, '0')}`;
        const user = await database.db
          .insertInto('users')
          .values({ email, name: null, role: 'candidate', created_at: now, last_signed_in_at: null })
          .returning('id')
          .executeTakeFirstOrThrow();
        await database.db
          .insertInto('applications')
          .values({
            reference,
            candidate_id: user.id,
            provider_id: providerId,
            status: 'draft',
            answers,
            created_at: now,
            updated_at: now,
          })
          .execute();
        made.push({ email, reference, outcome: 'not sent' as const });
      }
      return made;
    };

    /** Signs a candidate in over HTTP, from a loopback address of its own (the service limits codes per IP address). */
    const signInOverHttp = async (
      port: number,
      round: number,
      index: number,
      c: Omit<Candidate, 'browser' | 'csrf'>,
    ): Promise<Candidate> => {
      const browser = new HttpBrowser(port, `127.0.${round + 1}.${index + 1}`);
      expect((await browser.post('/sign-in', { email: c.email }, await browser.csrf('/sign-in'))).status).toBe(303);
      const code = await latestCode(database.db, c.email);
      const signedIn = await browser.post('/sign-in/code', { code }, await browser.csrf('/sign-in/code'));
      expect(signedIn.headers['location']).toBe('/application');
      return { ...c, browser, csrf: await browser.csrf('/application/check') };
    };

    const inBatches = async <T, R>(items: T[], size: number, work: (item: T, index: number) => Promise<R>) => {
      const out: R[] = new Array<R>(items.length);
      let next = 0;
      await Promise.all(
        Array.from({ length: size }, async () => {
          while (next < items.length) {
            const index = next++;
            out[index] = await work(items[index]!, index);
          }
        }),
      );
      return out;
    };

    const countWhere = async (query: Promise<{ n: number | string } | undefined>) => Number((await query)?.n ?? 0);

    /** Every submitted application has exactly its audit row and its candidate's email: nothing half-made. */
    const checkWhole = async () => {
      const broken = await sql<{ reference: string }>`
        select a.reference from applications a
        where a.status <> 'draft' and (
          (select count(*) from audit_events e where e.application_id = a.id and e.action = 'submit') <> 1
          or (select count(*) from outbox o join users u on u.email = o.to_email
              where u.id = a.candidate_id and o.template = 'application-submitted-candidate') <> 1)
      `.execute(database.db);
      expect(broken.rows.map((r) => r.reference)).toEqual([]);
      const submitted = await countWhere(
        database.db
          .selectFrom('applications')
          .select(sql<number>`count(*)`.as('n'))
          .where('status', '<>', 'draft')
          .executeTakeFirst(),
      );
      const providerEmails = await countWhere(
        database.db
          .selectFrom('outbox')
          .select(sql<number>`count(*)`.as('n'))
          .where('template', '=', 'application-submitted-provider')
          .executeTakeFirst(),
      );
      expect(providerEmails).toBe(submitted);
      expect(await integrityProblems(database)).toEqual([]);
      return submitted;
    };

    /** After a restart: every acknowledged submit is in the database and shown to its candidate. */
    const checkAcknowledged = async (acknowledged: Candidate[], port: number) => {
      for (const c of acknowledged) {
        const row = await database.db
          .selectFrom('applications')
          .select(['id', 'status', 'submitted_at'])
          .where('reference', '=', c.reference)
          .executeTakeFirstOrThrow();
        expect([c.reference, row.status]).toEqual([c.reference, 'awaiting-decision']);
        expect(row.submitted_at).not.toBeNull();
        c.browser.port = port;
        const page = await c.browser.get(`/applications/${c.reference}`);
        expect(page.status).toBe(200);
        expect(cheerio.load(page.body)('[data-testid="status"]').text()).toBe('Awaiting decision');
      }
    };

    it(`${ROUNDS} kills with SIGKILL under concurrent submits lose no acknowledged submit`, async () => {
      const acknowledged: Candidate[] = [];
      let cutOff = 0;
      let cutOffButSaved = 0;
      let pending: Candidate[] = [];
      for (let round = 1; round <= ROUNDS + 1; round++) {
        const fresh = round <= ROUNDS ? await addCandidates(round) : [];
        service = await startService(env);
        // The restart: what was acknowledged before the kill is all there.
        await checkAcknowledged(pending, service.port);
        await checkWhole();
        if (round > ROUNDS) break;

        const candidates = await inBatches(fresh, AT_ONCE, (c, i) => signInOverHttp(service!.port, round, i, c));
        let acks = 0;
        let killed = false;
        const victim = service;
        await inBatches(candidates, AT_ONCE, async (c) => {
          if (killed) return;
          try {
            const res = await c.browser.post('/application/submit', {}, c.csrf);
            if (res.status === 303 && String(res.headers['location']).startsWith(`/applications/${c.reference}`)) {
              c.outcome = 'acknowledged';
              if (++acks >= KILL_AFTER_ACKS && !killed) {
                killed = true;
                victim.child.kill('SIGKILL');
              }
            } else throw new Error(`submit answered ${res.status} ${String(res.headers['location'])}`);
          } catch (error) {
            if (!killed) throw error;
            c.outcome = 'cut off';
          }
        });
        expect(killed).toBe(true);
        expect((await victim.exited).signal).toBe('SIGKILL');
        const roundAcks = candidates.filter((c) => c.outcome === 'acknowledged');
        acknowledged.push(...roundAcks);
        pending = roundAcks;
        for (const c of candidates.filter((x) => x.outcome === 'cut off')) {
          cutOff++;
          const row = await database.db
            .selectFrom('applications')
            .select('status')
            .where('reference', '=', c.reference)
            .executeTakeFirstOrThrow();
          if (row.status !== 'draft') cutOffButSaved++;
        }
      }
      const lost = (
        await Promise.all(
          acknowledged.map((c) =>
            database.db
              .selectFrom('applications')
              .select('status')
              .where('reference', '=', c.reference)
              .executeTakeFirst(),
          ),
        )
      ).filter((row) => row?.status !== 'awaiting-decision').length;
      expect(lost).toBe(0);
      const submitted = await checkWhole();
      await service?.stop();
      console.log(
        `crash (${engine.name}): ${ROUNDS} rounds, ${acknowledged.length} acknowledged submits, lost ${lost}; ` +
          `${cutOff} cut off by the kill (${cutOffButSaved} of them saved whole); ${submitted} submitted in all; integrity ok`,
      );
    }, 900_000);
  });
}
