import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_CODES_PER_EMAIL,
  sendSignInCode,
  verifySignInCode,
  waitMinutes,
} from '../../src/features/accounts/sign-in.ts';
import { latestCode, signIn } from '../helpers/accounts.ts';
import { $, FormClient, startTestApp, type TestApp } from '../helpers/app.ts';
import { engines } from '../helpers/databases.ts';

const SECRET = 'development-only-secret-not-for-production-use';

for (const engine of engines) {
  describe.skipIf(engine.skip)(`passwordless sign-in (${engine.name})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ engine: engine.name });
    });
    afterAll(async () => t?.close());

    it('a new address gets a code by email and becomes a candidate; the session id changes at sign-in', async () => {
      const client = new FormClient(t.app);
      await client.get('/sign-in');
      const before = client.cookie;
      expect(await signIn(client, t.database.db, 'new.person@example.org')).toBe('/application');
      expect(client.cookie).not.toBe(before);
      const page = $(await client.get('/application'));
      expect(page('h1').text()).toBe('Your iQTS application');
      expect(page('main').text()).toContain('Signed in as new.person@example.org');
    });

    it('answers the same whether or not the address has an account', async () => {
      const a = new FormClient(t.app);
      const b = new FormClient(t.app);
      const ra = await a.post('/sign-in', { email: 'new.person@example.org' }, await a.csrf('/sign-in'));
      const rb = await b.post('/sign-in', { email: 'nobody.yet@example.org' }, await b.csrf('/sign-in'));
      expect([ra.statusCode, ra.headers.location]).toEqual([rb.statusCode, rb.headers.location]);
      const pa = $(await a.get('/sign-in/code'))('main p')
        .first()
        .text()
        .replace('new.person', 'X');
      const pb = $(await b.get('/sign-in/code'))('main p')
        .first()
        .text()
        .replace('nobody.yet', 'X');
      expect(pa).toBe(pb);
    });

    it('a code works once, a wrong code is refused with a message, and bad input changes nothing', async () => {
      const client = new FormClient(t.app);
      await client.post('/sign-in', { email: 'once@example.org' }, await client.csrf('/sign-in'));
      const code = await latestCode(t.database.db, 'once@example.org');
      const csrf = await client.csrf('/sign-in/code');
      for (const [bad, message] of [
        ['', 'Enter the security code'],
        ['12ab', 'The security code must be 6 numbers'],
        [code === '000000' ? '111111' : '000000', 'The security code is not correct'],
      ] as const) {
        const res = await client.post('/sign-in/code', { code: bad }, csrf);
        expect(res.statusCode).toBe(400);
        expect($(res)('.govuk-error-summary').text()).toContain(message);
      }
      expect((await client.post('/sign-in/code', { code }, csrf)).statusCode).toBe(303);
      expect(await verifySignInCode(t.database.db, { email: 'once@example.org', code, secret: SECRET })).toEqual({
        ok: false,
        message: 'Your security code has expired. Request a new code',
      });
      const stranger = new FormClient(t.app);
      const bad = await stranger.post('/sign-in', { email: 'not an email' }, await stranger.csrf('/sign-in'));
      expect(bad.statusCode).toBe(400);
      expect($(bad)('.govuk-error-summary').text()).toContain('Enter an email address in the correct format');
    });

    it('a code expires after 10 minutes, and five wrong guesses use it up', async () => {
      const email = 'expiry@example.org';
      const then = new Date(Date.now() - 11 * 60_000);
      await sendSignInCode(t.database.db, {
        email,
        ip: '192.0.2.1',
        secret: SECRET,
        serviceUrl: 'http://x',
        now: then,
      });
      const old = await latestCode(t.database.db, email);
      expect(await verifySignInCode(t.database.db, { email, code: old, secret: SECRET })).toEqual({
        ok: false,
        message: 'Your security code has expired. Request a new code',
      });
      await sendSignInCode(t.database.db, { email, ip: '192.0.2.1', secret: SECRET, serviceUrl: 'http://x' });
      const fresh = await latestCode(t.database.db, email);
      for (let i = 0; i < 5; i++)
        await verifySignInCode(t.database.db, {
          email,
          code: fresh === '999999' ? '999998' : '999999',
          secret: SECRET,
        });
      expect((await verifySignInCode(t.database.db, { email, code: fresh, secret: SECRET })).ok).toBe(false);
    });

    it(`limits codes per address (${MAX_CODES_PER_EMAIL} in 15 minutes) with a 429 page that says when to try again`, async () => {
      const client = new FormClient(t.app);
      const csrf = await client.csrf('/sign-in');
      for (let i = 0; i < MAX_CODES_PER_EMAIL; i++)
        expect((await client.post('/sign-in', { email: 'limited@example.org' }, csrf)).statusCode).toBe(303);
      const res = await client.post('/sign-in', { email: 'limited@example.org' }, csrf);
      expect(res.statusCode).toBe(429);
      expect($(res)('main').text()).toMatch(/Try again in 1[45] minutes/);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    });

    it('limits codes per IP address across many addresses', async () => {
      const now = new Date();
      for (let i = 0; i < 20; i++)
        await sendSignInCode(t.database.db, {
          email: `ip${i}@example.org`,
          ip: '198.51.100.7',
          secret: SECRET,
          serviceUrl: 'http://x',
          now,
        });
      expect(
        await sendSignInCode(t.database.db, {
          email: 'ip-last@example.org',
          ip: '198.51.100.7',
          secret: SECRET,
          serviceUrl: 'http://x',
          now,
        }),
      ).toMatchObject({ sent: false });
    });

    it('signed-in pages carry the "about to be signed out" warning; keep-alive extends the session', async () => {
      const client = new FormClient(t.app);
      await signIn(client, t.database.db, 'idle@example.org');
      const page = $(await client.get('/application'));
      expect(page('#app-timeout-warning').attr('data-timeout-minutes')).toBe('60');
      expect(page('#app-timeout-warning h2').text()).toBe('You’re about to be signed out');
      expect($(await new FormClient(t.app).get('/sign-in'))('#app-timeout-warning').length).toBe(0);
      const before = await t.database.db
        .selectFrom('sessions')
        .select('expires_at')
        .orderBy('updated_at', 'desc')
        .executeTakeFirstOrThrow();
      await new Promise((r) => setTimeout(r, 20));
      expect((await client.get('/session/keep-alive')).statusCode).toBe(204);
      const after = await t.database.db
        .selectFrom('sessions')
        .select('expires_at')
        .orderBy('updated_at', 'desc')
        .executeTakeFirstOrThrow();
      expect(after.expires_at > before.expires_at).toBe(true);
      // A link to the signed-out page (from another site, say) does not end the session: only the POST does.
      expect((await client.get('/signed-out')).statusCode).toBe(200);
      expect((await client.get('/application')).statusCode).toBe(200);
    });

    it('sign-out ends the session', async () => {
      const client = new FormClient(t.app);
      await signIn(client, t.database.db, 'leaving@example.org');
      const csrf = await client.csrf('/application');
      expect((await client.post('/sign-out', {}, csrf)).headers.location).toBe('/signed-out');
      expect((await client.get('/application')).headers.location).toBe('/sign-in');
    });
  });
}

describe('rate-limit arithmetic', () => {
  it('says how many whole minutes until the oldest code in the window expires', () => {
    const now = new Date('2026-11-22T12:00:00Z');
    const at = (m: number) => new Date(now.getTime() - m * 60_000).toISOString();
    expect(waitMinutes([at(1), at(2)], 5, now)).toBe(0);
    expect(waitMinutes([at(1), at(2), at(3), at(4), at(10)], 5, now)).toBe(5);
    expect(waitMinutes([at(14.9), at(1), at(1), at(1), at(1)], 5, now)).toBe(1);
  });
});
