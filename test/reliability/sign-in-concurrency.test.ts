import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_CODES_PER_EMAIL,
  MAX_CODES_PER_IP,
  MAX_GUESSES,
  sendSignInCode,
} from '../../src/features/accounts/sign-in.ts';
import { latestCode } from '../helpers/accounts.ts';
import { $, FormClient, startTestApp, type TestApp } from '../helpers/app.ts';
import { engines } from '../helpers/databases.ts';

/**
 * Sign-in limits under concurrent requests, through the real routes. On PostgreSQL the
 * test database has a pool of several connections, so the requests really race.
 */
for (const engine of engines) {
  describe.skipIf(engine.skip)(`sign-in limits under concurrency (${engine.name})`, () => {
    let t: TestApp;
    const figures: string[] = [];
    beforeAll(async () => {
      t = await startTestApp({ engine: engine.name });
    });
    afterAll(async () => {
      console.log(`sign-in concurrency (${engine.name}): ${figures.join('; ')}`);
      await t?.close();
    });

    const count = async (table: 'sign_in_codes' | 'outbox', email: string) => {
      const db = t.database.db;
      const row =
        table === 'outbox'
          ? await db
              .selectFrom('outbox')
              .select(sql<number>`count(*)`.as('n'))
              .where('to_email', '=', email)
              .where('template', '=', 'sign-in-code')
              .executeTakeFirstOrThrow()
          : await db
              .selectFrom('sign_in_codes')
              .select(sql<number>`count(*)`.as('n'))
              .where('email', '=', email)
              .executeTakeFirstOrThrow();
      return Number(row.n);
    };

    it(`40 guesses at once at one code: at most ${MAX_GUESSES} are compared, and the right code sent last is refused`, async () => {
      const email = 'guessed.at@example.org';
      const browser = new FormClient(t.app);
      const sent = await browser.post('/sign-in', { email }, await browser.csrf('/sign-in'));
      expect(sent.statusCode).toBe(303);
      const code = await latestCode(t.database.db, email);
      const csrf = await browser.csrf('/sign-in/code');
      const wrong = Array.from({ length: 39 }, (_, i) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0'));
      // One client per request, all sharing the session that is waiting for the code, as tabs of one browser would.
      const responses = await Promise.all(
        [...wrong, code].map((guess) => {
          const tab = new FormClient(t.app);
          tab.cookie = browser.cookie;
          return tab.post('/sign-in/code', { code: guess }, csrf);
        }),
      );
      const messages = responses.map((r) => $(r)('.govuk-error-summary').text());
      const compared = messages.filter((m) => m.includes('The security code is not correct')).length;
      const refusedUnread = messages.filter((m) => m.includes('wrong code too many times')).length;
      expect(compared).toBeLessThanOrEqual(MAX_GUESSES);
      expect(compared + refusedUnread).toBe(40);
      expect(responses.every((r) => r.statusCode === 400)).toBe(true);
      const last = responses.at(-1)!;
      expect($(last)('.govuk-error-summary').text()).toContain('wrong code too many times');
      const row = await t.database.db
        .selectFrom('sign_in_codes')
        .select(['attempts', 'used_at'])
        .where('email', '=', email)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ attempts: MAX_GUESSES, used_at: null });
      // Not signed in: the application sends the person to sign in.
      const after = await browser.get('/application');
      expect([after.statusCode, after.headers.location]).toEqual([303, '/sign-in']);
      figures.push(`40 guesses → ${compared} compared, right code refused`);
    });

    it(`20 code requests at once for one address: exactly ${MAX_CODES_PER_EMAIL} codes and ${MAX_CODES_PER_EMAIL} emails`, async () => {
      const email = 'in.a.hurry@example.org';
      const browsers = Array.from({ length: 20 }, () => new FormClient(t.app));
      const tokens: string[] = [];
      for (const browser of browsers) tokens.push(await browser.csrf('/sign-in'));
      const responses = await Promise.all(browsers.map((browser, i) => browser.post('/sign-in', { email }, tokens[i])));
      const statuses = responses.map((r) => r.statusCode);
      expect(statuses.filter((s) => s === 303).length).toBe(MAX_CODES_PER_EMAIL);
      expect(statuses.filter((s) => s === 429).length).toBe(20 - MAX_CODES_PER_EMAIL);
      expect(await count('sign_in_codes', email)).toBe(MAX_CODES_PER_EMAIL);
      expect(await count('outbox', email)).toBe(MAX_CODES_PER_EMAIL);
      figures.push(
        `20 requests → ${await count('sign_in_codes', email)} codes, ${await count('outbox', email)} emails`,
      );
    });

    it(`30 code requests at once from one IP address for 30 addresses: exactly ${MAX_CODES_PER_IP} codes`, async () => {
      const ip = '203.0.113.9';
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          sendSignInCode(t.database.db, {
            email: `crowd${i}@example.org`,
            ip,
            secret: 'development-only-secret-not-for-production-use',
            serviceUrl: 'http://localhost',
          }),
        ),
      );
      expect(results.filter((r) => r.sent).length).toBe(MAX_CODES_PER_IP);
      const stored = Number(
        (
          await t.database.db
            .selectFrom('sign_in_codes')
            .select(sql<number>`count(*)`.as('n'))
            .where('ip', '=', ip)
            .executeTakeFirstOrThrow()
        ).n,
      );
      expect(stored).toBe(MAX_CODES_PER_IP);
      figures.push(`30 requests from one IP → ${stored} codes`);
    });
  });
}
