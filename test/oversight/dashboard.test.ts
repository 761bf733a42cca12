import type { CheerioAPI } from 'cheerio';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { $, FormClient, startTestApp, type TestApp } from '../helpers/app.ts';
import { engines } from '../helpers/databases.ts';
import { APPLICATIONS, seedKnownFigures, type KnownFigures } from '../helpers/oversight.ts';
import { signInAs } from '../helpers/training.ts';
import { accountFor } from '../../src/features/accounts/repository.ts';
import { submitRequest } from '../../src/features/advisers/repository.ts';
import { candidateScope } from '../../src/shared/scope.ts';

/** A figure's table, as the reader sees it: row label → the row's other cells. */
function table(page: CheerioAPI, figure: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  page(`table[data-figure="${figure}"] tbody tr`).each((_, tr) => {
    const cells = page(tr)
      .find('th, td')
      .map((__, c) => page(c).text().trim())
      .get();
    out.set(cells[0]!, cells.slice(1));
  });
  return out;
}
const num = (text: string | undefined) => Number((text ?? '').replace(/,/g, ''));

for (const engine of engines) {
  describe.skipIf(engine.skip)(`national dashboard and open statistics (${engine.name})`, () => {
    let t: TestApp;
    let known: KnownFigures;
    let admin: FormClient;

    beforeAll(async () => {
      t = await startTestApp({ engine: engine.name });
      known = await seedKnownFigures(t.database.db);
      admin = await signInAs(t, known.emails.admin);
    }, 180_000);
    afterAll(async () => t?.close());

    it('each chart has its table, and every table equals a direct count of the rows', async () => {
      const res = await admin.get('/admin/dashboard');
      expect(res.statusCode).toBe(200);
      const page = $(res);
      const db = t.database.db;

      // Every chart: an SVG with an accessible name, no style attribute, followed by its table.
      const charts = page('svg.app-figure-chart');
      expect(charts.length).toBe(7);
      charts.each((_, svg) => {
        const s = page(svg);
        expect(s.attr('role')).toBe('img');
        const [title, desc] = s.attr('aria-labelledby')!.split(' ');
        expect(s.find(`#${title}`).text()).not.toBe('');
        expect(s.find(`#${desc}`).text()).toContain('table');
        expect(s.attr('viewBox')).toMatch(/^0 0 400 /);
        expect(s.find('[style]').length).toBe(0);
        expect(s.closest('section').find('table').length).toBe(1);
      });
      expect(page('[style]').length).toBe(0);

      // Applications by status: equal to counting the submitted rows.
      const direct = await db
        .selectFrom('applications')
        .select(['status', (eb) => eb.fn.countAll().as('n')])
        .where('submitted_at', 'is not', null)
        .groupBy('status')
        .execute();
      const byStatus = table(page, 'applications-by-status');
      expect(num(byStatus.get('Awaiting decision')?.[0])).toBe(3);
      for (const r of direct) {
        const label = (
          {
            'awaiting-decision': 'Awaiting decision',
            interviewing: 'Interviewing',
            offer: 'Offer made',
            'conditions-pending': 'Offer accepted – conditions pending',
            recruited: 'Recruited',
            rejected: 'Unsuccessful',
            declined: 'Offer declined',
            withdrawn: 'Withdrawn by candidate',
          } as Record<string, string>
        )[r.status]!;
        expect(num(byStatus.get(label)?.[0]), label).toBe(Number(r.n));
      }
      const total = [...byStatus.values()].reduce((a, c) => a + num(c[0]), 0);
      expect(total).toBe(APPLICATIONS.length);
      expect(page('#applications-by-status').text()).toContain(`${APPLICATIONS.length} applications submitted`);

      // By month of submission.
      const months = table(page, 'applications-by-month');
      expect([...months.keys()]).toEqual(['January 2026', 'February 2026', 'March 2026', 'April 2026']);
      const monthly = await db
        .selectFrom('applications')
        .select([sql<string>`substr(submitted_at, 1, 7)`.as('m'), (eb) => eb.fn.countAll().as('n')])
        .where('submitted_at', 'is not', null)
        .groupBy(sql`substr(submitted_at, 1, 7)`)
        .orderBy('m')
        .execute();
      expect([...months.values()].map((c) => num(c[0]))).toEqual(monthly.map((r) => Number(r.n)));

      // Time to decision: days 1,2,3,4,5,7,8,10,20,40 → median 5, 90th percentile 20.
      const waits = table(page, 'time-to-decision');
      expect(waits.get('Median')).toEqual(['5 days']);
      expect(waits.get('90th percentile')).toEqual(['20 days']);
      expect(num(waits.get('Under 1 week')?.[0])).toBe(5);
      expect(num(waits.get('1 to 2 weeks')?.[0])).toBe(3);
      expect(num(waits.get('2 to 4 weeks')?.[0])).toBe(1);
      expect(num(waits.get('4 to 8 weeks')?.[0])).toBe(1);
      expect(page('#time-to-decision').text()).toContain('10 applications have had a decision');

      // Offers and acceptance by provider.
      const offers = table(page, 'offers-by-provider');
      const a = [...offers.entries()].find(([k]) => k.includes('Worldwide Online'))![1];
      // A: 11 applications; offers: offer, 4 recruited, declined = 6; accepted: 4 recruited → 67%.
      expect(a).toEqual(['11', '6', '4', '67%']);
      const b = [...offers.entries()].find(([k]) => k.includes('Dubai'))![1];
      expect(b).toEqual(['4', '2', '2', '100%']);

      // Trainees by state, and by country with their placement schools.
      const states = table(page, 'trainees-by-state');
      const stateCounts = await db
        .selectFrom('trainees')
        .select(['state', (eb) => eb.fn.countAll().as('n')])
        .groupBy('state')
        .execute();
      const stateLabels: Record<string, string> = {
        'in-training': 'In training',
        deferred: 'Deferred',
        awarded: 'Awarded iQTS',
        revoked: 'Award revoked',
      };
      for (const r of stateCounts) expect(num(states.get(stateLabels[r.state]!)?.[0])).toBe(Number(r.n));
      expect(states.get('Withdrawn')).toEqual(['0']);
      const countries = table(page, 'by-country');
      expect(countries.get('Nigeria')).toEqual(['4', '2']);
      expect(countries.get('United Arab Emirates')).toEqual(['2', '1']);

      // Progress: 3 in training; one met, one with nothing yet (behind), one at 100 of 120 days past its end (behind).
      const progress = table(page, 'progress');
      expect(progress.get('Requirement met')).toEqual(['1', '0']);
      expect(progress.get('75% to 99%')).toEqual(['1', '1']);
      expect(progress.get('Under 25%')).toEqual(['1', '1']);
      expect(page('#progress').text()).toContain('2 of 3 trainees in training are behind');

      // Awards by month, with the revoked one.
      const awards = table(page, 'awards-by-month');
      expect(awards.get('June 2026')).toEqual(['1', '0']);
      expect(awards.get('July 2026')).toEqual(['1', '1']);
    });

    it('the world map names every country with trainees, as the table does, and switches to placement schools', async () => {
      const page = $(await admin.get('/admin/dashboard'));
      const rows = table(page, 'by-country');
      expect(rows.size).toBeGreaterThan(0);
      const titles = page('#by-country svg title')
        .map((_, el) => page(el).text())
        .get();
      for (const [country, [trainees]] of rows) {
        const n = num(trainees);
        if (n > 0) expect(titles).toContain(`${country}: ${n} ${n === 1 ? 'trainee' : 'trainees'}`);
      }
      expect(page('#by-country nav[aria-label="Maps"] a[aria-current="page"]').text()).toBe(
        'Trainees by training country',
      );
      const schoolsHref = page('#by-country nav[aria-label="Maps"] a:not([aria-current])').attr('href')!;
      const schools = $(await admin.get(schoolsHref));
      const schoolTitles = schools('#by-country svg title')
        .map((_, el) => schools(el).text())
        .get();
      for (const [country, [, count]] of rows) {
        const n = num(count);
        if (n > 0)
          expect(schoolTitles).toContain(`${country}: ${n} ${n === 1 ? 'placement school' : 'placement schools'}`);
      }
    });

    it('the advisers’ figures: requests by country and month, first contact and callbacks', async () => {
      const db = t.database.db;
      const before = table($(await admin.get('/admin/dashboard')), 'adviser-requests');
      const candidate = await accountFor(
        db,
        { email: 'dash.adviser.request@example.org', name: null, role: 'candidate' },
        new Date('2026-06-15T10:00:00Z'),
      );
      await submitRequest(
        db,
        candidateScope(candidate.id),
        {
          answers: {
            name: 'Dash Request',
            country: 'NP',
            timeZone: 'Asia/Kathmandu',
            phone: '+97714412345',
            stage: 'exploring',
            ageGroup: 'primary',
            helpWith: ['interview'],
          },
          email: 'dash.adviser.request@example.org',
          eligibility: null,
        },
        new Date('2026-06-15T10:00:00Z'),
      );
      const page = $(await admin.get('/admin/dashboard'));
      const requests = table(page, 'adviser-requests');
      expect(num(requests.get('Nepal, June 2026')?.[0])).toBe(num(before.get('Nepal, June 2026')?.[0]) + 1);
      const calls = table(page, 'adviser-contact');
      const direct = await db.selectFrom('adviser_callbacks').select('status').execute();
      expect(num(calls.get('Kept')?.[0])).toBe(direct.filter((c) => c.status === 'kept').length);
      expect(num(calls.get('Booked, still to come')?.[0])).toBe(direct.filter((c) => c.status === 'booked').length);
      expect(page('#adviser-contact p').first().text()).toMatch(/still waiting/);
    });

    it('filters in the address narrow every figure, and the link to the view keeps them', async () => {
      const byProvider = $(await admin.get(`/admin/dashboard?provider=${known.providerB}`));
      expect(byProvider('#applications-by-status').text()).toContain('4 applications submitted');
      expect(table(byProvider, 'by-country').get('Nigeria')).toBeUndefined();
      expect(table(byProvider, 'awards-by-month').size).toBe(0);
      expect(byProvider('a:contains("Link to this view")').attr('href')).toBe(
        `/admin/dashboard?provider=${known.providerB}`,
      );
      expect(byProvider('#provider option[selected]').attr('value')).toBe(String(known.providerB));

      const march = $(
        await admin.get('/admin/dashboard?from-day=1&from-month=3&from-year=2026&to-day=31&to-month=3&to-year=2026'),
      );
      const marchCount = APPLICATIONS.filter((a) => a.month === '2026-03').length;
      expect(march('#applications-by-status').text()).toContain(`${marchCount} applications submitted`);
      expect([...table(march, 'applications-by-month').keys()]).toEqual(['March 2026']);

      const nigeria = $(await admin.get('/admin/dashboard?country=ng'));
      expect(nigeria('#applications-by-status').text()).toContain('11 applications submitted');
      expect([...table(nigeria, 'by-country').keys()]).toEqual(['Nigeria']);

      const cohort = $(await admin.get(`/admin/dashboard?cohort=${encodeURIComponent('2024 to 2025')}`));
      expect(table(cohort, 'trainees-by-state').get('Deferred')).toEqual(['1']);
      expect(table(cohort, 'trainees-by-state').get('In training')).toEqual(['1']);
      expect(table(cohort, 'awards-by-month').size).toBe(0);
    });

    it('bad filter values: the GOV.UK error summary and 400, never a 500', async () => {
      const cases: [string, string][] = [
        ['provider=abc', 'Select a provider from the list'],
        ['provider=99999', 'Select a provider from the list'],
        ['provider=1&provider=2', 'Select one provider from the list'],
        ['country=XX', 'Select a country from the list'],
        ['cohort=1999%20to%202000', 'Select a cohort from the list'],
        ['from-day=31&from-month=2&from-year=2026', 'The start date must be a real date'],
        ['from-day=1&from-month=3', 'The start date must be a real date'],
        [
          'from-day=2&from-month=3&from-year=2026&to-day=1&to-month=3&to-year=2026',
          'The end date must be the same as or after the start date',
        ],
        ['to-day=1&to-month=1&to-year=99999', 'The end date must be a real date'],
        [`provider=${'9'.repeat(400)}`, 'Select a provider from the list'],
      ];
      for (const [query, message] of cases) {
        const res = await admin.get(`/admin/dashboard?${query}`);
        expect(res.statusCode, query).toBe(400);
        const page = $(res);
        expect(page('title').text()).toMatch(/^Error: /);
        expect(page('.govuk-error-summary').text(), query).toContain(message);
        expect(page('svg.app-figure-chart').length).toBe(0);
      }
    });

    it('only DfE admins: candidates, trainees, mentors and provider users get a not-found page', async () => {
      for (const email of [known.emails.candidate, known.emails.trainee, known.emails.mentor, known.emails.provider]) {
        const client = await signInAs(t, email);
        const res = await client.get('/admin/dashboard');
        expect(res.statusCode, email).toBe(404);
        expect(res.body).not.toContain('National dashboard');
      }
      const anonymous = await t.app.inject({ url: '/admin/dashboard' });
      expect(anonymous.statusCode).toBe(303);
      expect(anonymous.headers.location).toBe('/provider/sign-in');
    });

    it('the open statistics: no sign-in, small numbers withheld, made at a stated time, as CSV too', async () => {
      const res = await t.app.inject({ url: '/statistics' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['set-cookie']).toBeUndefined();
      const page = $(res);
      expect(page('h1').text()).toBe('iQTS statistics');
      expect(page('body').text()).toMatch(/Figures made on \d{1,2} \w+ \d{4} at/);
      expect(page('.govuk-footer a[href="/statistics"]').length).toBe(1);
      // 15 applications: the total shows; each status (at most 4) does not.
      expect(page('#applications-by-status').text()).toContain('15 applications submitted');
      const statuses = table(page, 'applications-by-status');
      for (const [label, cells] of statuses) expect(cells, label).toEqual(['fewer than 5']);
      // Ten decisions: the median and 90th percentile show.
      expect(table(page, 'time-to-decision').get('Median')).toEqual(['5 days']);
      // A: 11 applications, but B's 4 are hidden and the total is shown, so A's 11 would give B's away.
      // Six offers, four accepted: the accepted count is small, so it and the rate are withheld.
      const a = [...table(page, 'offers-by-provider').entries()].find(([k]) => k.includes('Worldwide Online'))![1];
      expect(a).toEqual(['withheld', '6', 'fewer than 5', 'withheld']);
      // Nothing in the page or its charts gives a number under 5.
      page('table[data-figure] td').each((_, td) => {
        const n = Number(
          page(td)
            .text()
            .replace(/[,%]|days?/g, ''),
        );
        if (Number.isFinite(n) && page(td).text().trim() !== '') expect(n).toBeGreaterThanOrEqual(5);
      });
      page('svg.app-figure-chart .app-figure-chart__value').each((_, v) => {
        const n = Number(page(v).text());
        if (Number.isFinite(n)) expect(n).toBeGreaterThanOrEqual(5);
      });

      const csv = await t.app.inject({ url: '/statistics.csv' });
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-type']).toContain('text/csv');
      expect(csv.headers['content-disposition']).toMatch(
        /attachment; filename="iqts-statistics-\d{4}-\d{2}-\d{2}\.csv"/,
      );
      const lines = csv.body.trim().split('\r\n');
      expect(lines[0]).toBe('figure,group,measure,value,made_at');
      expect(lines).toContain(
        lines.find((l) => l.startsWith('Applications by status,Awaiting decision,Applications,fewer than 5,')),
      );
      expect(
        lines.filter((l) => l.startsWith('Offers and acceptance rate by provider,') && l.includes(',6,')),
      ).toHaveLength(1);
      expect(csv.body).not.toMatch(/,[0-4],/);
      expect(lines.every((l, i) => i === 0 || /,\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(l))).toBe(true);
    });
  });
}
