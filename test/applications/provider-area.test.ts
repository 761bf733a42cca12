import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateSchoolsCsv } from '../../src/features/placement-schools/import.ts';
import { importSchools } from '../../src/features/placement-schools/repository.ts';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { signIn } from '../helpers/accounts.ts';
import { $, FormClient, startTestApp, type TestApp } from '../helpers/app.ts';
import { engines } from '../helpers/databases.ts';

for (const engine of engines) {
  describe.skipIf(engine.skip)(`provider area: profile and partner schools (${engine.name})`, () => {
    let t: TestApp;
    let own: number;
    let other: number;
    let client: FormClient;
    let csrf: string;
    const names = async (query: string) => {
      const out: string[] = [];
      for (let page = 1; page < 5; page++) {
        const res = $(await t.app.inject(`/providers?${query}&page=${page}`));
        const found = res('.app-result h3 a')
          .map((_, a) => res(a).text().trim())
          .get();
        if (!found.length) break;
        out.push(...found);
      }
      return out;
    };

    beforeAll(async () => {
      t = await startTestApp({ engine: engine.name });
      await seedSampleData(t.database.db, 0);
      const ids = await t.database.db
        .selectFrom('providers')
        .select(['id', 'slug'])
        .where('is_sample', '=', 1)
        .execute();
      own = ids.find((p) => p.slug === 'sample-provider-worldwide-online')!.id;
      other = ids.find((p) => p.slug === 'sample-provider-worldwide-except')!.id;
      await importSchools(
        t.database.db,
        other,
        validateSchoolsCsv('name,town,country\nAccra Other School,Accra,GH\n').rows,
      );
      client = new FormClient(t.app);
      await signIn(client, t.database.db, 'sample.provider1@example.com');
      csrf = await client.csrf(`/provider/${own}/profile`);
    }, 60_000);
    afterAll(async () => t?.close());

    it('a bad profile is refused field by field and nothing changes', async () => {
      const res = await client.post(
        `/provider/${own}/profile`,
        {
          coverageKind: 'countries',
          countries: 'NG, XX',
          feeMin: '9000',
          feeMax: '8000',
          website: 'http://insecure.example',
          contactEmail: 'nope',
        },
        csrf,
      );
      expect(res.statusCode).toBe(400);
      const page = $(res);
      expect(
        page('.govuk-error-summary li')
          .map((_, li) => page(li).text().trim())
          .get(),
      ).toEqual([
        'These are not ISO 3166-1 country codes: XX',
        'Highest fee must be the same as or more than the lowest fee',
        'Enter a website address starting with https://',
        'Enter an email address in the correct format, like admissions@example.ac.uk',
      ]);
      expect(await names('country=FR')).toContain('Sample Provider Worldwide Online');
    });

    it('a saved profile feeds the finder at once', async () => {
      const res = await client.post(
        `/provider/${own}/profile`,
        {
          coverageKind: 'countries',
          countries: 'ng gh',
          phases: 'secondary',
          feeMin: '7,000',
          feeMax: '8000',
          modes: ['full-time'],
          website: 'https://provider.example.org',
        },
        csrf,
      );
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/providers/sample-provider-worldwide-online');
      expect(await names('country=FR')).not.toContain('Sample Provider Worldwide Online');
      expect(await names('country=NG&phase=secondary')).toContain('Sample Provider Worldwide Online');
      expect(await names('country=NG&phase=primary')).not.toContain('Sample Provider Worldwide Online');
      const profile = $(await t.app.inject('/providers/sample-provider-worldwide-online'));
      expect(profile('.govuk-summary-list__key:contains("Fees")').next().text().trim()).toBe('£7,000 to £8,000');
      expect(profile('.govuk-summary-list__key:contains("Countries")').next().text().trim()).toBe('Ghana, Nigeria');
      expect(profile('.govuk-summary-list__key:contains("Subjects")').next().text().trim()).toBe(
        'Not stated – contact the provider',
      );
    });

    it('partner schools: add (with GOV.UK messages for bad input), find by distance, end the partnership', async () => {
      const schools = `/provider/${own}/schools`;
      const bad = await client.post(schools, { name: '', town: 'Atlantis', country: 'GR' }, csrf);
      expect(bad.statusCode).toBe(400);
      expect($(bad)('.govuk-error-summary').text()).toContain('Enter the school name');
      expect($(bad)('.govuk-error-summary').text()).toContain('We cannot find the town "Atlantis" in Greece');
      expect(
        (
          await client.post(
            schools,
            { name: 'Yaba Partner School', town: 'Lagos', country: 'NG', phases: 'secondary' },
            csrf,
          )
        ).statusCode,
      ).toBe(303);
      expect($(await t.app.inject('/placement-schools?near=Lagos,+NG&radius=25'))('main').text()).toContain(
        'Yaba Partner School',
      );
      const page = $(await client.get(schools));
      const end = page('form[action$="/end"]').attr('action')!;
      expect((await client.post(end, {}, csrf)).statusCode).toBe(303);
      expect($(await t.app.inject('/placement-schools?near=Lagos,+NG&radius=25'))('main').text()).not.toContain(
        'Yaba Partner School',
      );
      expect($(await client.get(schools))('main').text()).toContain('Ended');
      // Ending it again: nothing to end.
      expect((await client.post(end, {}, csrf)).statusCode).toBe(404);
    });

    it('a partner school’s details can be edited; bad input gets a message; another provider’s school is not found', async () => {
      const schools = `/provider/${own}/schools`;
      await client.post(schools, { name: 'Surulere Partner School', town: 'Lagos', country: 'NG' }, csrf);
      const edit = $(await client.get(schools))('a[href$="/edit"]')
        .first()
        .attr('href')!;
      const bad = await client.post(edit, { phases: 'nursery', languages: '', verified: 'yes' }, csrf);
      expect(bad.statusCode).toBe(400);
      expect($(bad)('.govuk-error-summary').text()).toContain('Phases must be primary, secondary or both');
      expect(
        (await client.post(edit, { phases: 'primary;secondary', languages: 'English;Yoruba', verified: 'yes' }, csrf))
          .statusCode,
      ).toBe(303);
      const page = $(await t.app.inject('/placement-schools?near=Lagos,+NG&radius=25'));
      expect(page('main').text()).toContain('Languages of instruction: English, Yoruba');
      const theirs = await t.database.db
        .selectFrom('partnerships')
        .select('id')
        .where('provider_id', '=', other)
        .executeTakeFirstOrThrow();
      expect((await client.get(`/provider/${own}/schools/${theirs.id}/edit`)).statusCode).toBe(404);
      expect(
        (await client.post(`/provider/${own}/schools/${theirs.id}/edit`, { phases: 'primary' }, csrf)).statusCode,
      ).toBe(404);
    });

    it('another provider’s profile and schools are not found, for reading or writing', async () => {
      for (const url of [
        `/provider/${other}/profile`,
        `/provider/${other}/schools`,
        '/provider/999999/profile',
        '/provider/abc/schools',
      ]) {
        expect((await client.get(url)).statusCode, url).toBe(404);
      }
      expect((await client.post(`/provider/${other}/profile`, { coverageKind: 'unknown' }, csrf)).statusCode).toBe(404);
      expect(
        (await client.post(`/provider/${other}/schools`, { name: 'X', town: 'Lagos', country: 'NG' }, csrf)).statusCode,
      ).toBe(404);
      const theirs = await t.database.db
        .selectFrom('partnerships')
        .select('id')
        .where('provider_id', '=', other)
        .executeTakeFirstOrThrow();
      expect((await client.post(`/provider/${own}/schools/${theirs.id}/end`, {}, csrf)).statusCode).toBe(404);
      expect((await client.post(`/provider/${other}/schools/${theirs.id}/end`, {}, csrf)).statusCode).toBe(404);
      expect(
        (
          await t.database.db
            .selectFrom('partnerships')
            .select('status')
            .where('id', '=', theirs.id)
            .executeTakeFirstOrThrow()
        ).status,
      ).toBe('active');
      const unchanged = await t.database.db
        .selectFrom('providers')
        .select('coverage')
        .where('id', '=', other)
        .executeTakeFirstOrThrow();
      expect(JSON.parse(unchanged.coverage).kind).toBe('worldwide');
    });
  });
}
