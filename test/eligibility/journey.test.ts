import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { $, FormClient, startTestApp, type TestApp } from '../helpers/app.ts';
import { engines } from '../helpers/databases.ts';

/** Answers one question page: reads its CSRF token, posts, and returns where it was sent. */
async function answer(client: FormClient, id: string, value: string | string[], query = ''): Promise<string> {
  const csrf = await client.csrf(`/eligibility/${id}${query}`);
  // Living outside England, the candidate also says which country (Nigeria, unless a test says otherwise).
  const country: Record<string, string> =
    id === 'where-you-live' && value === 'outside-england' ? { country: 'NG' } : {};
  const res = await client.post(`/eligibility/${id}${query}`, { [id]: value, ...country }, csrf);
  expect(res.statusCode, `${id}=${String(value)}`).toBe(303);
  return String(res.headers.location);
}

for (const engine of engines) {
  describe.skipIf(engine.skip)(`eligibility checker (${engine.name})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ engine: engine.name });
    });
    afterAll(async () => t?.close());

    it('the start page explains the checker and starts at the first question', async () => {
      const res = await t.app.inject('/eligibility');
      expect(res.statusCode).toBe(200);
      const page = $(res);
      expect(page('h1').text()).toBe('Check if you can train for iQTS');
      expect(page('a.govuk-button--start').attr('href')).toBe('/eligibility/where-you-live');
      expect(page('.govuk-service-navigation__item--active').text()).toContain('Check your eligibility');
    });

    it('a primary candidate with a degree in progress is eligible once it is awarded, with reasons and next steps', async () => {
      const client = new FormClient(t.app);
      expect(await answer(client, 'where-you-live', 'outside-england')).toBe('/eligibility/age-phase');
      expect(await answer(client, 'age-phase', 'primary')).toBe('/eligibility/degree');
      expect(await answer(client, 'degree', 'final-year')).toBe('/eligibility/maths');
      expect(await answer(client, 'maths', 'non-uk')).toBe('/eligibility/science');
      expect(await answer(client, 'science', 'uk')).toBe('/eligibility/english');
      expect(await answer(client, 'english', 'education-in-english')).toBe('/eligibility/check-answers');

      const check = $(await client.get('/eligibility/check-answers'));
      expect(check('h1').text()).toBe('Check your answers');
      const rows = check('.govuk-summary-list__row')
        .map(
          (_, row) =>
            `${check(row).find('dt').text().trim()}: ${check(row).find('dd.govuk-summary-list__value').text().trim()}`,
        )
        .get();
      expect(rows).toEqual([
        'Where you live: Outside England',
        'Country where you live: Nigeria',
        'Age group: Primary (ages 5 to 11)',
        'Bachelor’s degree: I’m in the final year of a degree',
        'Maths: Yes, a qualification from outside the UK',
        'Science: Yes, a GCSE or O level',
        'English language: Yes, I completed some of my education in English',
      ]);
      expect(check('a[href="/eligibility/degree?change=1"]').text()).toContain('Change');
      // Hidden link text reads as a sentence: proper names keep their capitals.
      expect(check('a[href="/eligibility/english?change=1"] .govuk-visually-hidden').text().trim()).toBe(
        'English language',
      );

      const result = $(await client.get('/eligibility/result'));
      expect(result('h1').text().trim()).toBe('You can train for iQTS once you have done a few things');
      expect(result('[data-testid="reasons"] li').first().text()).toContain('final year of your degree');
      const next = result('[data-testid="next-steps"]');
      expect(next.find('a[href="https://www.enic.org.uk/"]').length).toBe(1);
      expect(next.find('a[href="/providers?country=NG&phase=primary"]').text()).toBe('find an iQTS provider');
      // Onward to the finder for their country and phase.
      const form = result('form[action="/providers"]');
      expect(form.find('input[name="phase"]').val()).toBe('primary');
      expect(form.find('select[name="country"] option[value="AE"]').text()).toBe('United Arab Emirates');
    });

    it('living outside England, the candidate says which country, revealed under the option; the result finds providers there', async () => {
      const client = new FormClient(t.app);
      const question = $(await client.get('/eligibility/where-you-live'));
      // The country list sits inside the "Outside England" option's conditional reveal.
      expect(question('#conditional-where-you-live select[name="country"] option[value="NG"]').text()).toBe('Nigeria');
      const csrf = await client.csrf('/eligibility/where-you-live');
      for (const country of [undefined, '', 'XX', 'ng']) {
        const res = await client.post(
          '/eligibility/where-you-live',
          { 'where-you-live': 'outside-england', ...(country === undefined ? {} : { country }) },
          csrf,
        );
        expect(res.statusCode, String(country)).toBe(400);
        const page = $(res);
        expect(page('.govuk-error-summary a').attr('href')).toBe('#country');
        expect(page('#country-error').text()).toContain('Select the country where you live from the list');
        // The option chosen stays chosen, so the list stays open with its error.
        expect(page('input[name="where-you-live"][value="outside-england"]').attr('checked')).toBeDefined();
      }
      const ok = await client.post(
        '/eligibility/where-you-live',
        { 'where-you-live': 'outside-england', country: 'AE' },
        csrf,
      );
      expect(ok.headers.location).toBe('/eligibility/age-phase');
      await answer(client, 'age-phase', 'secondary');
      await answer(client, 'degree', 'uk');
      await answer(client, 'maths', 'uk');
      await answer(client, 'english', 'test');
      expect($(await client.get('/eligibility/check-answers'))('main').text()).toContain('United Arab Emirates');
      const result = $(await client.get('/eligibility/result'));
      expect(result('a[href="/providers?country=AE&phase=secondary"]').text()).toBe('find an iQTS provider');
      expect(result('select[name="country"] option[selected]').attr('value')).toBe('AE');
      // Living in England asks no country, and an earlier country is forgotten.
      await client.post(
        '/eligibility/where-you-live?change=1',
        { 'where-you-live': 'in-england', country: 'AE' },
        csrf,
      );
      expect($(await client.get('/eligibility/check-answers'))('main').text()).not.toContain('United Arab Emirates');
    });

    it('someone living in England is told iQTS is not for them after one question, with a pointer to training in England', async () => {
      const client = new FormClient(t.app);
      expect(await answer(client, 'where-you-live', 'in-england')).toBe('/eligibility/check-answers');
      const result = $(await client.get('/eligibility/result'));
      expect(result('h1').text()).toBe('iQTS is not for people who live in England');
      expect(result('[data-testid="next-steps"] a[href="/steps-to-become-a-teacher"]').length).toBe(1);
    });

    it('a secondary candidate meeting every rule is eligible and never asked about science', async () => {
      const client = new FormClient(t.app);
      await answer(client, 'where-you-live', 'outside-england');
      expect(await answer(client, 'age-phase', 'secondary')).toBe('/eligibility/degree');
      await answer(client, 'degree', 'uk');
      expect(await answer(client, 'maths', 'uk')).toBe('/eligibility/english');
      await answer(client, 'english', 'test');
      const result = $(await client.get('/eligibility/result'));
      expect(result('.govuk-panel__title').text().trim()).toBe('You meet the entry requirements for iQTS');
      expect((await client.get('/eligibility/science')).headers.location).toBe('/eligibility/check-answers');
    });

    it('no degree means not yet eligible', async () => {
      const client = new FormClient(t.app);
      await answer(client, 'where-you-live', 'outside-england');
      await answer(client, 'age-phase', 'secondary');
      await answer(client, 'degree', 'no');
      await answer(client, 'maths', 'uk');
      await answer(client, 'english', 'test');
      const result = $(await client.get('/eligibility/result'));
      expect(result('h1').text()).toBe('You do not meet the entry requirements for iQTS yet');
      expect(result('[data-testid="reasons"] li').first().text()).toBe(
        'You need a bachelor’s degree to train for iQTS.',
      );
    });

    it('changing an answer returns to the summary; a change that opens a new question asks it first', async () => {
      const client = new FormClient(t.app);
      for (const [id, v] of [
        ['where-you-live', 'outside-england'],
        ['age-phase', 'secondary'],
        ['degree', 'uk'],
        ['maths', 'uk'],
        ['english', 'test'],
      ] as const)
        await answer(client, id, v);
      const change = $(await client.get('/eligibility/degree?change=1'));
      expect(change('.govuk-back-link').attr('href')).toBe('/eligibility/check-answers');
      expect(change('input[value="uk"]').attr('checked')).toBeDefined();
      expect(await answer(client, 'degree', 'no', '?change=1')).toBe('/eligibility/check-answers');
      // Secondary → primary: science is now needed, so it is asked before the summary.
      expect(await answer(client, 'age-phase', 'primary', '?change=1')).toBe('/eligibility/science');
      expect(await answer(client, 'science', 'uk')).toBe('/eligibility/check-answers');
      // Primary → secondary again: the science answer is dropped from the summary.
      await answer(client, 'age-phase', 'secondary', '?change=1');
      expect($(await client.get('/eligibility/check-answers'))('dt').text()).not.toContain('Science');
    });

    it('no answer, a tampered value or an array gets the GOV.UK error message and changes nothing', async () => {
      const client = new FormClient(t.app);
      const csrf = await client.csrf('/eligibility/where-you-live');
      const forms: Record<string, string | string[]>[] = [
        {},
        { 'where-you-live': 'mars' },
        { 'where-you-live': ['in-england', 'outside-england'] },
        { 'where-you-live': '<script>alert(1)</script>' },
      ];
      for (const form of forms) {
        const res = await client.post('/eligibility/where-you-live', form, csrf);
        expect(res.statusCode).toBe(400);
        const page = $(res);
        expect(page('title').text()).toMatch(/^Error: Where do you live\?/);
        expect(page('.govuk-error-summary a').attr('href')).toBe('#where-you-live');
        expect(page('.govuk-error-summary').text()).toContain('Select where you live');
        expect(page('#where-you-live-error').text()).toContain('Select where you live');
        expect(res.body).not.toContain('<script>alert(1)</script>');
      }
      expect((await client.get('/eligibility/check-answers')).headers.location).toBe('/eligibility/where-you-live');
    });

    it('skipped steps, a POST to a later step first and pages not yet reached redirect to the first unanswered question', async () => {
      const client = new FormClient(t.app);
      const csrf = await client.csrf('/eligibility/where-you-live');
      const early = await client.post('/eligibility/english', { english: 'test' }, csrf);
      expect(early.statusCode).toBe(303);
      expect(early.headers.location).toBe('/eligibility/where-you-live');
      for (const url of [
        '/eligibility/degree',
        '/eligibility/result',
        '/eligibility/check-answers',
        '/eligibility/science',
      ]) {
        const res = await client.get(url);
        expect(res.statusCode, url).toBe(303);
        expect(res.headers.location, url).toBe('/eligibility/where-you-live');
      }
      await answer(client, 'where-you-live', 'outside-england');
      expect((await client.get('/eligibility/english')).headers.location).toBe('/eligibility/age-phase');
      expect((await client.get('/eligibility/no-such-question')).statusCode).toBe(404);
    });

    it('a POST without the CSRF token is refused and stores nothing', async () => {
      const client = new FormClient(t.app);
      await client.get('/eligibility/where-you-live');
      const res = await client.post('/eligibility/where-you-live', { 'where-you-live': 'in-england' });
      expect(res.statusCode).toBe(403);
      expect((await client.get('/eligibility/result')).headers.location).toBe('/eligibility/where-you-live');
    });

    it('answers belong to one session: another visitor starts from nothing, and "Start again" clears them', async () => {
      const a = new FormClient(t.app);
      await answer(a, 'where-you-live', 'in-england');
      const b = new FormClient(t.app);
      expect((await b.get('/eligibility/result')).headers.location).toBe('/eligibility/where-you-live');
      expect((await a.get('/eligibility/result')).statusCode).toBe(200);
      const csrf = await a.csrf('/eligibility/result');
      const res = await a.post('/eligibility/start-again', {}, csrf);
      expect(res.headers.location).toBe('/eligibility');
      expect((await a.get('/eligibility/result')).headers.location).toBe('/eligibility/where-you-live');
    });
  });
}
