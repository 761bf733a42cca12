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

    it('shows unknown facts as "Not stated – contact the provider", never a guess, linking to the provider', async () => {
      const profile = $(await get('/providers/university-of-northampton'));
      const row = (key: string) => profile(`.govuk-summary-list__key:contains("${key}")`).next();
      expect(row('Fees').text().trim()).toBe('Not stated – contact the provider');
      expect(row('Age groups').text().trim()).toBe('Not stated – contact the provider');
      // No email known: "contact the provider" goes to its website.
      expect(row('Fees').find('a').attr('href')).toBe(
        'https://www.northampton.ac.uk/courses/postgraduate-certificate-in-education-international-iqts/',
      );
      expect(row('Where it takes trainees').text()).toContain('Not stated');
      const derby = $(await get('/providers/university-of-derby'));
      expect(derby(`.govuk-summary-list__key:contains("Countries")`).next().text().trim()).toBe('All countries');
      // Equalitas has no known website or email: the words alone, no link.
      const equalitas = $(await get('/providers/equalitas'));
      const fees = equalitas(`.govuk-summary-list__key:contains("Fees")`).next();
      expect(fees.text().trim()).toBe('Not stated – contact the provider');
      expect(fees.find('a').length).toBe(0);
    });

    it('shows the public facts from the providers’ own pages, each with its source and date', async () => {
      const derby = $(await get('/providers/university-of-derby'));
      const row = (page: typeof derby, key: string) => page(`.govuk-summary-list__key:contains("${key}")`).next();
      const fees = row(derby, 'Fees');
      expect(fees.text()).toContain('£8,000 (UK and international)');
      const source = fees.find('.app-fact-source');
      expect(source.text()).toBe('Source: derby.ac.uk, 2024/25');
      expect(source.find('a').attr('href')).toBe(
        'https://www.derby.ac.uk/online/education-courses/international-qualified-teacher-status-iqts-online/',
      );
      // Sources disagree on ages (DfE: 5 to 11; Derby: 3 to 11): both are shown, neither picked.
      expect(row(derby, 'Age groups').text()).toContain('Primary – the provider’s page says: ages 3 to 11');
      expect(row(derby, 'Study mode').text()).toContain('Part time, 1 year');
      expect(row(derby, 'Placement schools').text()).toContain('You arrange your own placement school');
      expect(row(derby, 'Placement schools').text()).toContain('must already have a placement school outside the UK');
      // A fee in another currency, its year, and the earlier fee as history.
      const dubai = $(await get('/providers/university-of-birmingham-dubai'));
      expect(row(dubai, 'Fees').text()).toContain('AED 69,755; scholarships available');
      expect(row(dubai, 'Fees').text()).toContain('Source: birmingham.ac.uk, 2024-25');
      expect(row(dubai, 'Fees').text()).toContain('Earlier: AED 63,414');
      expect(row(dubai, 'Email').find('a[href="mailto:uobdsoeadmissions@bham.ac.uk"]').length).toBe(1);
      expect(row(dubai, 'Email').text()).toContain('Source: prospects.ac.uk, undated');
      // A fee note without an amount: not stated, with the note, and the contact link is the email.
      const buckingham = $(await get('/providers/university-of-buckingham'));
      expect(row(buckingham, 'Fees').text()).toContain('Not stated – contact the provider');
      expect(row(buckingham, 'Fees').text()).toContain(
        'The provider’s page says: amount not stated; an optional PGCE costs extra',
      );
      expect(row(buckingham, 'Fees').find('a[href="mailto:education@buckingham.ac.uk"]').length).toBe(1);
      // Where the provider's page and DfE disagree, both are said.
      const ljmu = $(await get('/providers/liverpool-john-moores-university'));
      expect(ljmu('.app-status-conflict').text()).toContain('will not offer iQTS courses for the foreseeable future');
      // In the results too, with the page's date.
      const results = $(await get('/providers?country=AE'));
      const result = (name: string) =>
        results('.app-result').filter((_, li) => results(li).find('h3').text().includes(name));
      expect(result('University of Derby').text()).toContain('£8,000 (UK and international) (2024/25)');
      expect(result('University of Birmingham Dubai').text()).toContain('AED 69,755');
      expect(result('Liverpool John Moores University').find('.app-status-conflict').length).toBe(1);
    });

    it('filters and sorts use the public facts: phases, study mode, placement approach, delivery, fee, subject', async () => {
      expect(await allNames('phase=secondary')).not.toContain('University of Derby'); // primary only, by its page
      expect(await allNames('phase=primary')).toContain('University of Derby');
      expect(await allNames('phase=primary')).not.toContain('University of the West of England'); // secondary
      expect(await allNames('mode=full-time')).not.toContain('University of Derby'); // part time
      expect(await allNames('mode=part-time')).not.toContain('University of Sunderland'); // full time
      expect(await allNames('approach=partner-school')).not.toContain('University of Derby');
      expect(await allNames('approach=current-school')).toContain('University of Buckingham'); // must be employed
      expect(await allNames('approach=own-school')).not.toContain('University of Buckingham');
      expect(await allNames('delivery=online')).toContain('University of Derby');
      expect(await allNames('delivery=in-person')).not.toContain('University of Derby');
      expect(await allNames('maxFee=7999')).not.toContain('University of Derby'); // £8,000
      expect(await allNames('maxFee=8000')).toContain('University of Derby');
      // A fee in dirhams is not compared with pounds: it stays, as not stated in pounds.
      expect(await allNames('country=AE&maxFee=1')).toContain('University of Birmingham Dubai');
      // One subject page seen, "others may exist": chemistry includes UWE; physics does not exclude it.
      expect(await allNames('subject=chemistry')).toContain('University of the West of England');
      expect(await allNames('subject=physics')).toContain('University of the West of England');
      // Sorting by fee: Derby's £8,000 comes before providers whose fee is not stated in pounds.
      const byFee = await allNames('sort=fee&country=GB');
      expect(byFee.indexOf('University of Derby')).toBeGreaterThanOrEqual(0);
      expect(byFee.indexOf('University of Derby')).toBeLessThan(byFee.indexOf('University of Warwick'));
      expect(byFee.indexOf('University of Derby')).toBeLessThan(byFee.indexOf('University of Buckingham'));
      // "Only providers that have told us" now counts the public page's facts too.
      expect(await allNames('phase=primary&mode=part-time&confirmed=yes')).toContain('University of Derby');
    });

    it('source notes (DfE list history, the World Bank region list) sit in a "Source" detail, not in the answers', async () => {
      const profile = $(await get('/providers/liverpool-john-moores-university'));
      const source = profile('details.app-source');
      expect(source.find('summary').text().trim()).toBe('Source');
      expect(source.text()).toContain('2023: Latin America');
      expect(source.text()).toContain('listed this provider from 18 January 2023');
      expect(source.find('a[href^="https://datahelpdesk.worldbank.org/"]').text()).toContain('World Bank');
      const answers = profile('.govuk-summary-list').text();
      for (const note of ['Latin America', 'World Bank', '2023'])
        expect(profile('main').text().replace(source.text(), ''), note).not.toContain(note);
      expect(answers).toContain('The Middle East and North Africa region');
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

    it('counts only providers known to take trainees in a country; those that have not said come after, labelled', async () => {
      const res = $(await get('/providers?country=NG'));
      const heading = res('#results-heading').text();
      const known = Number(/^(\d+) providers? taking trainees in Nigeria$/.exec(heading)?.[1]);
      const knownNames = res('ul[aria-labelledby="results-heading"] .app-result h3 a')
        .map((_, a) => res(a).text().trim())
        .get();
      const notSaidNames = res('ul[aria-labelledby="not-said-heading"] .app-result h3 a')
        .map((_, a) => res(a).text().trim())
        .get();
      // St Mary's, Chichester and Northampton are listed by DfE without saying where they take trainees.
      for (const name of ["St Mary's University", 'University of Chichester', 'University of Northampton']) {
        expect(notSaidNames).toContain(name);
        expect(knownNames).not.toContain(name);
      }
      expect(knownNames).toContain('University of Warwick');
      expect(res('#not-said-heading').text()).toMatch(
        new RegExp(`^${notSaidNames.length} providers that have not said whether they take trainees in Nigeria$`),
      );
      const everyName = await allNames('country=NG');
      expect(known).toBe(everyName.length - notSaidNames.length);
      // The count above the results says how many more have not said, and links to them.
      expect(res('a[href="#not-said-heading"]').length).toBe(1);
      const api = (await get('/api/v1/providers?country=NG')).json() as {
        total: number;
        known: number;
        notSaid: number;
      };
      expect(api).toMatchObject({ known, notSaid: notSaidNames.length, total: everyName.length });
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

    it('every finder page has its own meta description; other pages have the service’s', async () => {
      const description = async (url: string) => $(await get(url))('meta[name="description"]').attr('content') ?? '';
      expect(await description('/providers')).toContain('Find an approved iQTS training provider');
      expect(await description('/providers/university-of-derby')).toMatch(
        /^University of Derby, iQTS training provider/,
      );
      expect(await description('/placement-schools')).toContain('partner placement schools');
      expect(await description('/feedback')).toContain('International qualified teacher status (iQTS)');
    });

    it('the filters fold behind "Show filters" on small screens; the options are radios, so long names wrap', async () => {
      const page = $(await get('/providers?country=NG&phase=primary'));
      const toggle = page('button.app-filters-toggle');
      expect(toggle.attr('aria-controls')).toBe('filters');
      expect(toggle.attr('aria-expanded')).toBe('false');
      expect(toggle.text()).toBe('Show filters (2 applied)');
      expect(page('form#filters').length).toBe(1);
      for (const name of ['phase', 'approach', 'delivery', 'mode'])
        expect(page(`#filters input[type="radio"][name="${name}"]`).length, name).toBeGreaterThan(1);
      expect(page('#filters input[name="phase"][value="primary"]').attr('checked')).toBeDefined();
      // With a problem in the filters they are open, so the error can be seen.
      const bad = $(await get('/providers?maxFee=lots'));
      expect(bad('button.app-filters-toggle').attr('aria-expanded')).toBe('true');
      expect(bad('form#filters').hasClass('app-filters--open')).toBe(true);
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
      expect(Object.keys(doc.paths)).toEqual([
        '/api/v1/providers',
        '/api/v1/placement-schools',
        '/api/v1/places',
        '/api/v1/trainees',
        '/api/v1/trainees/{traineeId}',
        '/api/v1/trainees/{traineeId}/placement-days',
        '/api/v1/trainees/{traineeId}/recommendation',
      ]);
    });

    async function placeId(name: string): Promise<number> {
      const places = (await get(`/api/v1/places?q=${encodeURIComponent(name)}`)).json() as { places: { id: number }[] };
      return places.places[0]!.id;
    }
  });
}
