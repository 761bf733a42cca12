import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../helpers/accounts.ts';
import { $, FormClient, startTestApp, type TestApp } from '../helpers/app.ts';
import { engines } from '../helpers/databases.ts';

/**
 * A candidate in Lagos looking at a Middle East and North Africa provider learns that it does
 * not take trainees in Nigeria on its profile and on "Apply to this provider", before starting.
 */
for (const engine of engines) {
  describe.skipIf(engine.skip)(`where a provider takes trainees, before applying (${engine.name})`, () => {
    let t: TestApp;
    const get = (url: string) => t.app.inject(url);
    const LJMU = 'liverpool-john-moores-university';

    beforeAll(async () => {
      t = await startTestApp({ engine: engine.name, env: { LOG_LEVEL: 'error' } });
    }, 60_000);
    afterAll(async () => t?.close());

    it('the profile warns, from the finder’s country or town, that the provider does not take trainees there', async () => {
      for (const query of ['country=NG', 'near=Lagos%2C+Nigeria']) {
        const page = $(await get(`/providers/${LJMU}?${query}`));
        const warning = page('.govuk-warning-text').text();
        expect(warning, query).toContain('Liverpool John Moores University does not take trainees in');
        expect(warning, query).toContain('Nigeria');
        expect(warning, query).toContain('Middle East and North Africa');
        // The way on is to providers that do take trainees there; applying here is no longer the main button.
        expect(page(`a[href^="/providers?"]:contains("Find providers that take trainees in")`).length, query).toBe(1);
        expect(page('a.govuk-button--secondary:contains("Apply to this provider")').length, query).toBe(1);
      }
      // Inside the region: no warning, the main button.
      const inEgypt = $(await get(`/providers/${LJMU}?country=EG`));
      expect(inEgypt('.govuk-warning-text').length).toBe(0);
      expect(inEgypt('.app-coverage-here').text()).toContain('which includes Egypt');
      expect(inEgypt('a.govuk-button:not(.govuk-button--secondary):contains("Apply to this provider")').length).toBe(1);
    });

    it('without a place, a profile whose answer depends on the country offers to check it; a worldwide one does not', async () => {
      const page = $(await get(`/providers/${LJMU}`));
      const form = page('form.app-check-where');
      expect(form.attr('method')).toBe('get');
      expect(form.find('label[for="country"]').text()).toContain('Check whether it takes trainees where you live');
      expect($(await get('/providers/university-of-warwick'))('form.app-check-where').length).toBe(0);
    });

    it('"Apply to this provider" says at once that the provider does not take trainees where the candidate lives', async () => {
      const client = new FormClient(t.app);
      await signIn(client, t.database.db, 'lagos-reader@example.org');
      // Before the candidate has said where they live: where the provider takes trainees, to check.
      const before = $(await client.get(`/application/provider?provider=${LJMU}`));
      expect(before('.govuk-inset-text').text()).toContain('The Middle East and North Africa region');
      expect(before('.govuk-warning-text').length).toBe(0);
      const csrf = await client.csrf('/application/where-you-live');
      await client.post('/application/where-you-live', { country: 'NG', town: 'Lagos' }, csrf);
      const res = await client.get(`/application/provider?provider=${LJMU}`);
      expect(res.statusCode).toBe(200);
      const page = $(res);
      expect(page('.govuk-warning-text').text()).toContain(
        'Liverpool John Moores University does not take trainees in Nigeria',
      );
      // Providers that do take trainees there are offered at once.
      expect(page('main a[href^="/providers/"]').length).toBeGreaterThan(0);
      // A provider that takes trainees worldwide: no warning.
      const warwick = $(await client.get('/application/provider?provider=university-of-warwick'));
      expect(warwick('.govuk-warning-text').length).toBe(0);
    });
  });
}
