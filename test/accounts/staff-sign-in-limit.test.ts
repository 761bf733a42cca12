import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CODES_PER_IP } from '../../src/features/accounts/sign-in.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { engines } from '../helpers/databases.ts';

/**
 * The staff sign-in says whether an address has a staff account, so one IP address may ask
 * only so often: past the limit it gets a 429 page, and nothing is looked up or created.
 */
for (const engine of engines) {
  describe.skipIf(engine.skip)(`staff sign-in is limited per IP address (${engine.name})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ engine: engine.name });
    });
    afterAll(async () => t?.close());

    it(`answers ${MAX_CODES_PER_IP} attempts, then refuses with a 429 and creates nothing`, async () => {
      const remoteAddress = '203.0.113.7';
      const page = await t.app.inject({ method: 'GET', url: '/provider/sign-in', remoteAddress });
      const cookie = String([page.headers['set-cookie']].flat()[0]).split(';')[0]!;
      const csrf = cheerio.load(page.body)('input[name="_csrf"]').attr('value')!;
      const attempt = (i: number, from = remoteAddress) =>
        t.app.inject({
          method: 'POST',
          url: '/provider/sign-in',
          remoteAddress: from,
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ _csrf: csrf, email: `probe${i}@example.org` }).toString(),
        });
      for (let i = 0; i < MAX_CODES_PER_IP; i++) {
        const res = await attempt(i);
        expect(res.statusCode).toBe(400);
        expect(res.body).toContain('There is no provider, mentor or DfE account');
      }
      const refused = await attempt(99);
      expect(refused.statusCode).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(cheerio.load(refused.body)('h1').text()).toBe('You have tried to sign in too many times');
      expect(refused.body).not.toContain('There is no provider, mentor or DfE account');
      // Another address is not held back by this one's attempts.
      expect((await attempt(100, '203.0.113.8')).statusCode).toBe(400);
      expect(await t.database.db.selectFrom('users').select('id').where('email', 'like', 'probe%').execute()).toEqual(
        [],
      );
    });
  });
}
