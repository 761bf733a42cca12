import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateSchoolsCsv } from '../../src/features/placement-schools/import.ts';
import { importSchools } from '../../src/features/placement-schools/repository.ts';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { $, startTestApp, type TestApp } from '../helpers/app.ts';
import { engines } from '../helpers/databases.ts';

const SEED_PROVIDERS = [
  'Canterbury Christ Church University',
  'University of Birmingham Dubai',
  'University of Derby',
  'University of Sunderland',
  'University of Warwick',
];

for (const engine of engines) {
  describe.skipIf(engine.skip)(`provider and placement-school finders (${engine.name})`, () => {
    let t: TestApp;
    const get = (url: string) => t.app.inject(url);
    const names = (body: ReturnType<typeof $>) =>
      body('.app-result h3 a')
        .map((_, a) => body(a).text().trim())
        .get();
    const allNames = async (query: string) => {
      const out: string[] = [];
      for (let page = 1; page < 10; page++) {
        const res = await get(`/providers?${query}${query ? '&' : ''}page=${page}`);
        const found = names($(res));
        if (found.length === 0) break;
        out.push(...found);
      }
      return out;
    };

    beforeAll(async () => {
      t = await startTestApp({ engine: engine.name });
      await seedSampleData(t.database.db, 400);
      // Known schools around Dubai, so distances can be checked.
      const csv =
        'name,town,country,latitude,longitude\nDeira Test School,Dubai,AE,25.2697,55.3095\nSharjah Test School,Sharjah,AE,25.3463,55.4209\nJumeirah Test School,Dubai,AE,25.2048,55.2708\nAbu Dhabi Test School,Abu Dhabi,AE,24.4539,54.3773\n';
      const dubai = await t.database.db
        .selectFrom('providers')
        .select('id')
        .where('slug', '=', 'sample-provider-dubai-campus')
        .executeTakeFirstOrThrow();
      await importSchools(t.database.db, dubai.id, validateSchoolsCsv(csv).rows);
    }, 60_000);
    afterAll(async () => t?.close());

    it('lists the approved providers from the reference data, including those named in seed 000', async () => {
      const listed = await allNames('');
      for (const name of SEED_PROVIDERS) expect(listed).toContain(name);
      // Sheffield Hallam stopped being listed in 2023: not in the finder, but its profile says so.
      expect(listed).not.toContain('Sheffield Hallam University');
      const profile = $(await get('/providers/sheffield-hallam-university'));
      expect(profile('h1').text()).toBe('Sheffield Hallam University');
      expect(profile('.govuk-inset-text').text()).toContain('No longer listed as offering iQTS since 26 July 2023');
    });

    it('shows unknown facts as "Not stated – contact the provider", never a guess', async () => {
      const profile = $(await get('/providers/university-of-derby'));
      const row = (key: string) => profile(`.govuk-summary-list__key:contains("${key}")`).next().text().trim();
      expect(row('Fees')).toBe('Not stated – contact the provider');
      expect(row('Age groups')).toBe('Not stated – contact the provider');
      expect(row('Where it takes trainees')).toContain('Worldwide');
      expect(row('Countries')).toBe('All countries');
    });

    it('filters by country: a region provider only inside its region, a campus provider only in its country', async () => {
      const inUae = await allNames('country=AE');
      expect(inUae).toContain('Liverpool John Moores University');
      expect(inUae).toContain('University of Birmingham Dubai');
      expect(inUae).toContain('Sample Provider Middle East and North Africa');
      const inFrance = await allNames('country=FR');
      expect(inFrance).not.toContain('Liverpool John Moores University');
      expect(inFrance).not.toContain('University of Birmingham Dubai');
      expect(inFrance).not.toContain('Sample Provider Dubai Campus');
      expect(inFrance).toContain('University of Warwick');
      // Excluded countries: the sample provider does not take trainees in the US.
      expect(await allNames('country=US')).not.toContain('Sample Provider Worldwide Except Some Countries');
      expect(await allNames('country=GB')).toContain('Sample Provider Worldwide Except Some Countries');
    });

    it('a campus provider with a stated radius appears only within it (Dubai, not Abu Dhabi)', async () => {
      expect(await allNames('near=Dubai')).toContain('Sample Provider Dubai Campus');
      expect(await allNames('near=Abu+Dhabi')).not.toContain('Sample Provider Dubai Campus');
      // Without a stated radius the answer is "ask the provider".
      const res = $(await get('/providers?near=Abu+Dhabi'));
      const birmingham = res('.app-result').filter((_, li) => res(li).find('h3').text().includes('Birmingham Dubai'));
      expect(birmingham.find('.govuk-inset-text').text()).toMatch(/commut/i);
    });

    it('filters by phase, approach, delivery, mode and maximum fee; stated values decide, unstated ones stay', async () => {
      const primary = await allNames('phase=primary');
      expect(primary).not.toContain('Sample Provider Selected Countries'); // secondary only
      expect(primary).toContain('Sample Provider Middle East and North Africa');
      expect(primary).toContain('University of Warwick'); // not stated: stays, marked
      const cheap = await allNames('maxFee=8000');
      expect(cheap).toContain('Sample Provider Selected Countries'); // from £7,000
      expect(cheap).not.toContain('Sample Provider Dubai Campus'); // £9,900
      expect(await allNames('approach=own-school')).not.toContain('Sample Provider Dubai Campus');
      expect(await allNames('delivery=online')).not.toContain('Sample Provider Asia Pacific Blended');
      expect(await allNames('mode=part-time')).not.toContain('Sample Provider Middle East and North Africa');
      expect(await allNames('subject=physics')).toContain('Sample Provider Worldwide Except Some Countries');
      expect(await allNames('subject=physics')).not.toContain('Sample Provider Dubai Campus');
    });

    it('counts, sorts by fee and by nearest partner school, and pages with filters kept in the URL', async () => {
      const first = $(await get('/providers?sort=fee&phase=secondary'));
      const count = Number(/^(\d+) providers?/.exec(first('#results-heading').text())?.[1]);
      const all = await allNames('sort=fee&phase=secondary');
      expect(all.length).toBe(count);
      // Stated fees first, lowest first; providers who have not said come after.
      expect(all[0]).toBe('Sample Provider Selected Countries');
      expect(all.indexOf('Sample Provider Dubai Campus')).toBeLessThan(all.indexOf('University of Warwick'));
      // More than one page (20 a page) keeps every filter in the next page's link.
      const wide = $(await get('/providers?sort=fee&maxFee=20000'));
      expect(Number(/^(\d+) providers?/.exec(wide('#results-heading').text())?.[1])).toBeGreaterThan(20);
      const next = wide('.govuk-pagination__next a').attr('href');
      expect(next).toContain('sort=fee');
      expect(next).toContain('maxFee=20000');
      expect(next).toContain('page=2');
      expect((await allNames('sort=fee&maxFee=20000')).length).toBeGreaterThan(20);
      const nearest = $(await get('/providers?near=Dubai&sort=nearest'));
      const distances = nearest('.govuk-summary-list__key:contains("Nearest partner school")')
        .next()
        .map((_, d) => parseFloat(nearest(d).text()))
        .get();
      expect(distances.length).toBeGreaterThan(0);
      expect([...distances].sort((a, b) => a - b)).toEqual(distances);
    });

    it('an empty result says how to widen the search', async () => {
      // Unstated values keep providers in; "only providers that have told us" takes them out.
      expect($(await get('/providers?country=US&maxFee=1'))('#results-heading').text()).not.toContain('0 providers');
      const res = $(await get('/providers?country=US&maxFee=1&confirmed=yes'));
      expect(res('#results-heading').text()).toContain('0 providers');
      expect(res('main').text()).toContain('To widen your search');
      expect(res('a[href="/providers"]').length).toBeGreaterThan(0);
    });

    it('an ambiguous place name offers the matches with their countries', async () => {
      const res = $(await get('/providers?near=Paris'));
      expect(res('#did-you-mean').text()).toContain('more than one place called ‘Paris’');
      const choices = res('#did-you-mean ~ ul a')
        .map((_, a) => res(a).text())
        .get();
      expect(choices[0]).toBe('Paris, France');
      expect(choices.some((c) => c.includes('United States'))).toBe(true);
      const chosen = res('#did-you-mean ~ ul a').first().attr('href')!;
      expect($(await get(chosen))('#results-heading').text()).toContain('Paris, France');
    });

    it('bad input gets a GOV.UK error message, never a 500, and nothing is echoed unescaped', async () => {
      const cases: [string, string][] = [
        ['/providers?country=XX', 'Select the country where you live from the list'],
        ['/providers?country=%3Cscript%3E', 'Select the country where you live from the list'],
        ['/providers?phase=nursery', 'Select an age group from the list'],
        ['/providers?maxFee=-5', 'Maximum fee must be a whole number of pounds'],
        ['/providers?sort=nearest', 'Enter a town or city to sort by nearest partner school'],
        ['/providers?page=0', 'Page must be a number, 1 or more'],
        ['/providers?near=%3Cscript%3Ealert(1)%3C%2Fscript%3E', 'Enter a town or city we can find'],
        [
          `/providers?near=${encodeURIComponent("' OR 1=1; DROP TABLE providers; --")}`,
          'Enter a town or city we can find',
        ],
        [`/providers?near=${'a'.repeat(10_000)}`, 'Place name must be 100 characters or fewer'],
        ['/placement-schools?near=Dubai&radius=-10', 'Select a distance from the list'],
        ['/placement-schools?near=Dubai&radius=1000000000', 'Select a distance from the list'],
        ['/placement-schools?near=Zzxqvv', 'Enter a town or city we can find'],
        ['/placement-schools?place=999999999999', 'Choose a place from the list'],
      ];
      for (const [url, message] of cases) {
        const res = await get(url);
        expect(res.statusCode, url.slice(0, 80)).toBe(400);
        const page = $(res);
        expect(page('.govuk-error-summary').text(), url.slice(0, 80)).toContain(message);
        expect(page('title').text()).toMatch(/^Error: /);
        expect(res.body).not.toContain('<script>alert(1)</script>');
      }
      expect((await get('/providers?near[]=a&near[]=b')).statusCode).toBeLessThan(500);
      expect((await get('/providers/%3Cscript%3E')).statusCode).toBe(404);
      expect((await get('/providers/no-such-provider')).statusCode).toBe(404);
      // The providers table is untouched by anything above.
      expect((await allNames('')).length).toBeGreaterThan(10);
    });

    it('placement schools near Dubai: nearest first, km to one decimal, with their providers; a wider radius finds more', async () => {
      const res = $(await get('/placement-schools?near=Dubai&radius=50'));
      const heading = res('#results-heading').text();
      expect(heading).toMatch(/^\d+ partner schools? within 50 km of Dubai, United Arab Emirates$/);
      const distances = res('.app-result strong')
        .map((_, s) => res(s).text())
        .get();
      for (const d of distances) expect(d).toMatch(/^\d+\.\d km$/);
      const numbers = distances.map(parseFloat);
      expect([...numbers].sort((a, b) => a - b)).toEqual(numbers);
      expect(numbers.every((n) => n <= 50)).toBe(true);
      res('.app-result').each(
        (_, li) => void expect(res(li).find('a[href^="/providers/"]').length, res(li).text()).toBeGreaterThan(0),
      );
      const within50 = Number(heading.split(' ')[0]);
      const within250 = Number(
        $(await get('/placement-schools?near=Dubai&radius=250'))('#results-heading')
          .text()
          .split(' ')[0],
      );
      expect(within250).toBeGreaterThanOrEqual(within50);
      // Sharjah's school is within 50 km of Dubai; Abu Dhabi's, over 100 km away, is not.
      const names = res('.app-result h3')
        .map((_, h) => res(h).text().trim())
        .get();
      expect(names).toContain('Sharjah Test School');
      expect(names).not.toContain('Abu Dhabi Test School');
      expect(within50).toBeGreaterThanOrEqual(3);
    });

    it('accents and case do not matter; no schools nearby says so and offers a wider search', async () => {
      const a = $(await get('/placement-schools?near=sao+paulo'))('#results-heading').text();
      const b = $(await get('/placement-schools?near=S%C3%A3o+Paulo'))('#results-heading').text();
      expect(a).toContain('São Paulo, Brazil');
      expect(a).toBe(b);
      const empty = $(await get('/placement-schools?place=' + (await placeId('Longyearbyen')) + '&radius=10'));
      expect(empty('#results-heading').text()).toMatch(/^0 partner schools within 10 km/);
      expect(empty('a[href*="radius=25"]').text()).toContain('search within 25 km');
    });

    it('the JSON API answers with the same filters, and describes itself in OpenAPI', async () => {
      const res = await get('/api/v1/providers?country=AE&phase=primary');
      expect(res.statusCode).toBe(200);
      const body = res.json() as { total: number; providers: { slug: string; coverage: { includesYou: string } }[] };
      expect(body.providers.map((p) => p.slug)).toContain('liverpool-john-moores-university');
      expect(body.providers.find((p) => p.slug === 'university-of-birmingham-dubai')?.coverage.includesYou).toBe(
        'unknown',
      );
      const bad = await get('/api/v1/providers?country=XX');
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toEqual({
        errors: [{ field: 'country', message: 'Select the country where you live from the list' }],
      });
      const schools = (await get('/api/v1/placement-schools?near=Dubai&radius=25')).json() as {
        schools: { distanceKm: number }[];
      };
      expect(schools.schools.every((s) => s.distanceKm <= 25)).toBe(true);
      const places = (await get('/api/v1/places?q=lago')).json() as { places: { name: string }[] };
      expect(places.places.map((p) => p.name)).toContain('Lagos, Nigeria');
      const doc = (await get('/api/v1/openapi.json')).json() as { openapi: string; paths: Record<string, unknown> };
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toEqual(['/api/v1/providers', '/api/v1/placement-schools', '/api/v1/places']);
    });

    async function placeId(name: string): Promise<number> {
      const places = (await get(`/api/v1/places?q=${encodeURIComponent(name)}`)).json() as { places: { id: number }[] };
      return places.places[0]!.id;
    }
  });
}
