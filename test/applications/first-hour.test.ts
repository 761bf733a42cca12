import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { signIn } from '../helpers/accounts.ts';
import { completeApplication, LAGOS_CANDIDATE } from '../helpers/applications.ts';
import { $, FormClient, startTestApp, type TestApp } from '../helpers/app.ts';
import { engines } from '../helpers/databases.ts';

/** The GOV.UK date style: "30 November 2026". */
const GOVUK_DATE =
  /^\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}$/;

for (const engine of engines) {
  describe.skipIf(engine.skip)(`the application reads like a GOV.UK service (${engine.name})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ engine: engine.name, env: { LOG_LEVEL: 'error' } });
      await seedSampleData(t.database.db, 0);
    }, 60_000);
    afterAll(async () => t?.close());

    const answersOf = async (email: string) =>
      JSON.parse(
        (
          await t.database.db
            .selectFrom('applications as a')
            .innerJoin('users as u', 'u.id', 'a.candidate_id')
            .select('a.answers')
            .where('u.email', '=', email)
            .orderBy('a.id', 'desc')
            .executeTakeFirstOrThrow()
        ).answers,
      ) as Record<string, Record<string, string>>;

    const taskList = async (client: FormClient) => {
      const page = $(await client.get('/application'));
      return {
        page,
        tasks: page('.govuk-task-list__item')
          .map((_, li) => ({
            title: page(li).find('.govuk-task-list__name-and-hint a').text().trim(),
            status: page(li).find('.govuk-task-list__status').text().trim(),
          }))
          .get(),
      };
    };

    it('the eligibility check’s answers, including the country, pre-fill the application; pre-filled sections stay "Incomplete" until saved; the heading counts what says "Completed"', async () => {
      const client = new FormClient(t.app);
      for (const [id, value, extra] of [
        ['where-you-live', 'outside-england', { country: 'NG' }],
        ['age-phase', 'secondary', {}],
        ['degree', 'uk', {}],
        ['maths', 'uk', {}],
        ['english', 'test', {}],
      ] as const) {
        const csrf = await client.csrf(`/eligibility/${id}`);
        expect((await client.post(`/eligibility/${id}`, { [id]: value, ...extra }, csrf)).statusCode).toBe(303);
      }
      await signIn(client, t.database.db, 'prefilled@example.org');
      const { page, tasks } = await taskList(client);
      // In the order a candidate meets them: the eligibility questions, the provider, then the rest.
      expect(tasks.map((x) => x.title)).toEqual([
        'Where you live',
        'Age group and subject',
        'Degree',
        'Maths qualification',
        'English language',
        'Training provider',
        'Personal details',
        'Contact details',
        'Nationality',
        'Teaching experience',
        'The school you work in',
        'Placement school',
        'Personal statement',
      ]);
      const status = (title: string) => tasks.find((x) => x.title === title)?.status;
      expect(status('Where you live')).toBe('Incomplete');
      expect(status('Age group and subject')).toBe('Incomplete');
      expect(status('Personal details')).toBe('Not yet started');
      expect(tasks.filter((x) => x.status === 'Completed').length).toBe(0);
      expect(page('h2').first().text()).toBe('Application incomplete');
      expect(page('[data-testid="completed-count"]').text()).toContain('You have completed 0 of 13 sections');

      const where = $(await client.get('/application/where-you-live'));
      expect(where('select[name="country"] option[selected]').attr('value')).toBe('NG');
      expect(where('.govuk-inset-text').text()).toContain('from your eligibility check');
      const csrf = await client.csrf('/application/where-you-live');
      await client.post('/application/where-you-live', { country: 'NG', town: 'Lagos' }, csrf);
      const after = await taskList(client);
      expect(after.tasks.find((x) => x.title === 'Where you live')?.status).toBe('Completed');
      expect(after.page('[data-testid="completed-count"]').text()).toContain(
        `You have completed ${after.tasks.filter((x) => x.status === 'Completed').length} of 13 sections`,
      );
      expect((await answersOf('prefilled@example.org'))['where-you-live']).toEqual({ country: 'NG', town: 'Lagos' });
    });

    it('an eligibility check done after the application began fills only its empty sections', async () => {
      const client = new FormClient(t.app);
      await signIn(client, t.database.db, 'later@example.org');
      const csrf = await client.csrf('/application/course');
      await client.post('/application/course', { phase: 'primary' }, csrf);
      for (const [id, value, extra] of [
        ['where-you-live', 'outside-england', { country: 'KE' }],
        ['age-phase', 'secondary', {}],
        ['degree', 'uk', {}],
        ['maths', 'uk', {}],
        ['english', 'test', {}],
      ] as const) {
        const token = await client.csrf(`/eligibility/${id}`);
        expect((await client.post(`/eligibility/${id}`, { [id]: value, ...extra }, token)).statusCode).toBe(303);
      }
      const { tasks } = await taskList(client);
      expect(tasks.find((x) => x.title === 'Where you live')?.status).toBe('Incomplete');
      // What the candidate saved themselves is theirs: primary stays, and stays "Completed".
      expect(tasks.find((x) => x.title === 'Age group and subject')?.status).toBe('Completed');
      const answers = await answersOf('later@example.org');
      expect(answers['course']).toEqual({ phase: 'primary' });
      expect(answers['where-you-live']).toMatchObject({ country: 'KE' });
    });

    it('"Change" on check answers comes back to check answers; any other return address is ignored', async () => {
      const client = new FormClient(t.app);
      await signIn(client, t.database.db, 'changes@example.org');
      await completeApplication(client);
      const check = $(await client.get('/application/check'));
      const change = check('.govuk-summary-card')
        .filter((_, card) => check(card).find('.govuk-summary-card__title').text().trim() === 'Degree')
        .find('a:contains("Change")');
      expect(change.attr('href')).toBe('/application/degree?returnTo=%2Fapplication%2Fcheck');
      // Hidden link text names the section as it is written: "Change (English language)", never lower-cased.
      const hidden = check('.govuk-summary-card__actions .govuk-visually-hidden')
        .map((_, s) => check(s).text().trim())
        .get();
      expect(hidden).toContain('(English language)');
      expect(hidden.join(' ')).not.toMatch(/english language/);

      const page = $(await client.get(change.attr('href')!));
      expect(page('.govuk-back-link').attr('href')).toBe('/application/check');
      expect(page('main form[method="post"]').attr('action')).toBe(
        '/application/degree?returnTo=%2Fapplication%2Fcheck',
      );
      const csrf = await client.csrf('/application/degree');
      const saved = await client.post(
        '/application/degree?returnTo=%2Fapplication%2Fcheck',
        { ...LAGOS_CANDIDATE['degree']!, subject: 'Physics' },
        csrf,
      );
      expect(saved.headers.location).toBe('/application/check');
      expect($(await client.get('/application/check'))('main').text()).toContain('Physics');
      const provider = await client.post(
        '/application/provider?returnTo=%2Fapplication%2Fcheck',
        { provider: 'sample-provider-worldwide-online' },
        csrf,
      );
      expect(provider.headers.location).toBe('/application/check');

      for (const elsewhere of [
        'https://evil.example/',
        '//evil.example',
        '/application/check/../../sign-out',
        '/application',
      ]) {
        const url = `/application/degree?returnTo=${encodeURIComponent(elsewhere)}`;
        expect($(await client.get(url))('.govuk-back-link').attr('href'), elsewhere).toBe('/application');
        const res = await client.post(url, LAGOS_CANDIDATE['degree']!, csrf);
        expect(res.headers.location, elsewhere).toBe('/application');
      }
    });

    it('follow-up questions sit under the option that asks them; a hidden one’s answer is not kept', async () => {
      const client = new FormClient(t.app);
      await signIn(client, t.database.db, 'reveal@example.org');
      const page = $(await client.get('/application/current-school'));
      const conditional = page('#conditional-works-in-school');
      expect(conditional.find('input[name="school-name"]').length).toBe(1);
      expect(conditional.find('select[name="school-country"]').length).toBe(1);
      // Without JavaScript the block is in the page (the GOV.UK script hides it until "Yes" is chosen).
      expect(conditional.hasClass('govuk-radios__conditional--hidden')).toBe(true);
      expect(page('input[value="yes"]').attr('data-aria-controls')).toBe('conditional-works-in-school');

      const csrf = await client.csrf('/application/current-school');
      const missing = await client.post('/application/current-school', { 'works-in-school': 'yes' }, csrf);
      expect(missing.statusCode).toBe(400);
      const errorPage = $(missing);
      expect(errorPage('.govuk-error-summary').text()).toContain('Enter school name');
      // The chosen option's block stays open with its errors.
      expect(errorPage('#conditional-works-in-school').hasClass('govuk-radios__conditional--hidden')).toBe(false);

      await client.post(
        '/application/current-school',
        { 'works-in-school': 'no', 'school-name': 'Ignored School', 'school-town': 'Lagos', 'school-country': 'NG' },
        csrf,
      );
      expect((await answersOf('reveal@example.org'))['current-school']).toEqual({ 'works-in-school': 'no' });
    });

    it('more than one nationality can be given; month names, abbreviations and international phone numbers are understood', async () => {
      const client = new FormClient(t.app);
      await signIn(client, t.database.db, 'several@example.org');
      await completeApplication(client, {
        ...LAGOS_CANDIDATE,
        nationality: {
          nationality: 'NG',
          'other-nationality': 'yes',
          'second-nationality': 'GB',
          'third-nationality': 'IE',
        },
        'personal-details': {
          'given-name': 'Amina',
          'family-name': 'Okafor',
          'date-of-birth-day': '27',
          'date-of-birth-month': 'mar',
          'date-of-birth-year': '1990',
        },
        'contact-details': { phone: '00234 (0)801-234-5678' },
      });
      const stored = await answersOf('several@example.org');
      expect(stored['contact-details']).toEqual({ phone: '+2348012345678' });
      expect(stored['personal-details']?.['date-of-birth']).toBe('1990-03-27');
      const check = $(await client.get('/application/check'));
      const rows = Object.fromEntries(
        check('.govuk-summary-list__row')
          .map((_, r) => [[check(r).find('dt').text().trim(), check(r).find('dd').first().text().trim()]])
          .get() as [string, string][],
      );
      expect(rows['Nationality']).toBe('Nigeria');
      expect(rows['Second nationality']).toBe('United Kingdom');
      expect(rows['Third nationality (optional)']).toBe('Ireland');
      expect(rows['Date of birth']).toBe('27 March 1990');
      expect(rows['Phone number']).toBe('+234 801 234 5678');

      const csrf = await client.csrf('/application/contact-details');
      const local = await client.post('/application/contact-details', { phone: '0801 234 5678' }, csrf);
      expect(local.statusCode).toBe(400);
      expect($(local)('#phone-error').text()).toContain('Enter a phone number with its country code');
      expect($(local)('#phone').val()).toBe('0801 234 5678');
    });

    it('after submitting: what happens next, the whole application, and withdrawing only after "Are you sure?"', async () => {
      const client = new FormClient(t.app);
      await signIn(client, t.database.db, 'next@example.org');
      await completeApplication(client);
      const submit = await client.post('/application/submit', {}, await client.csrf('/application/check'));
      const url = String(submit.headers.location);
      const page = $(await client.get(url));
      expect(page('.govuk-panel__title').text().trim()).toBe('Application submitted');
      const next = page('#what-happens-next').nextUntil('h2').text();
      expect(next).toContain('We have sent a confirmation email to next@example.org');
      // The provider's deadline, in the candidate's zone (none chosen: England's, named).
      expect(next).toMatch(/must decide by \d{1,2}:\d{2}[ap]m on \d{1,2} \w+ \d{4}, London time \(UTC(\+1)?\)/);
      expect(next).toContain('rejected by default');
      expect(next).toContain('invites you to an interview');
      // The application in full, as submitted.
      expect(page('.govuk-summary-card__title').first().text().trim()).toBe('Where you live');
      expect(page('main').text()).toContain(LAGOS_CANDIDATE['personal-statement']!['statement']!);
      // The submitted date in the GOV.UK style.
      const submitted = page('.govuk-summary-list__row')
        .filter((_, r) => page(r).find('dt').text().trim() === 'Submitted')
        .find('dd')
        .text()
        .trim();
      expect(submitted).toMatch(GOVUK_DATE);
      // No red form on the status page: a link to its own confirmation page.
      expect(page('textarea[name="reason"]').length).toBe(0);
      expect(page('.govuk-button--warning').length).toBe(0);
      const reference = url.split('/').at(-1)!.split('?')[0]!;
      const withdrawHref = page('a:contains("Withdraw this application")').attr('href');
      expect(withdrawHref).toBe(`/applications/${reference}/withdraw`);

      const confirm = $(await client.get(withdrawHref!));
      expect(confirm('h1').text()).toBe('Are you sure you want to withdraw your application?');
      expect(confirm('a:contains("No, keep my application")').attr('href')).toBe(`/applications/${reference}`);
      const csrf = await client.csrf(withdrawHref!);
      const empty = await client.post(withdrawHref!, { reason: ' ' }, csrf);
      expect(empty.statusCode).toBe(400);
      expect($(empty)('h1').text()).toBe('Are you sure you want to withdraw your application?');
      expect($(empty)('.govuk-error-summary').text()).toContain('Enter why you are withdrawing your application');
      expect($(await client.get(`/applications/${reference}`))('[data-testid="status"]').text()).toBe(
        'Awaiting decision',
      );
      const done = await client.post(withdrawHref!, { reason: 'I have accepted a job' }, csrf);
      expect(done.headers.location).toBe(`/applications/${reference}?withdrawn=1`);
      const withdrawn = $(await client.get(String(done.headers.location)));
      expect(withdrawn('.govuk-notification-banner--success').text()).toContain('You have withdrawn your application');
      expect(withdrawn('[data-testid="status"]').text()).toBe('Withdrawn by candidate');
      expect(withdrawn('#what-happens-next').length).toBe(0);
      // Nothing left to withdraw: the confirmation page sends the candidate back.
      expect((await client.get(withdrawHref!)).headers.location).toBe(`/applications/${reference}`);
      expect((await client.get('/applications/IQTS-NOPE123/withdraw')).statusCode).toBe(404);

      // The provider reads each step's time with its zone.
      const provider = new FormClient(t.app);
      await signIn(provider, t.database.db, 'sample.provider1@example.com');
      const history = $(await provider.get(`/provider/applications/${reference}`))('[data-testid="history"] li')
        .first()
        .text();
      expect(history).toMatch(/^\d{1,2} [A-Z][a-z]+ \d{4} at (\d{1,2}(:\d{2})?(am|pm)|midday|midnight) \(UTC\) – /);
    });
  });
}
