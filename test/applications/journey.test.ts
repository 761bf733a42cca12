import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateSchoolsCsv } from '../../src/features/placement-schools/import.ts';
import { importSchools } from '../../src/features/placement-schools/repository.ts';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { signIn } from '../helpers/accounts.ts';
import { completeApplication, LAGOS_CANDIDATE } from '../helpers/applications.ts';
import { $, FormClient, startTestApp, type TestApp } from '../helpers/app.ts';
import { engines } from '../helpers/databases.ts';

for (const engine of engines) {
  describe.skipIf(engine.skip)(`applications: candidate and provider (${engine.name})`, () => {
    let t: TestApp;
    const count = async (where: (qb: any) => any) =>
      Number(
        (
          await where(t.database.db.selectFrom('applications'))
            .select((eb: any) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    beforeAll(async () => {
      t = await startTestApp({ engine: engine.name, env: { LOG_LEVEL: 'error' } });
      await seedSampleData(t.database.db, 0);
      const provider = await t.database.db
        .selectFrom('providers')
        .select('id')
        .where('slug', '=', 'sample-provider-worldwide-online')
        .executeTakeFirstOrThrow();
      await importSchools(
        t.database.db,
        provider.id,
        validateSchoolsCsv(
          'name,town,country,latitude,longitude\nIkeja Partner School,Lagos,NG,6.6018,3.3515\nAbuja Partner School,Abuja,NG,9.0765,7.3986\n',
        ).rows,
      );
    }, 60_000);
    afterAll(async () => t?.close());

    it('each section checks its answers with GOV.UK messages and keeps what was typed', async () => {
      const client = new FormClient(t.app);
      await signIn(client, t.database.db, 'sections@example.org');
      const csrf = await client.csrf('/application/personal-details');
      const res = await client.post(
        '/application/personal-details',
        {
          'given-name': '<b>Ann</b>',
          'family-name': '',
          'date-of-birth-day': '31',
          'date-of-birth-month': '2',
          'date-of-birth-year': '1990',
        },
        csrf,
      );
      expect(res.statusCode).toBe(400);
      const page = $(res);
      expect(
        page('.govuk-error-summary li')
          .map((_, li) => page(li).text().trim())
          .get(),
      ).toEqual(['Enter last name', 'Date of birth must be a real date']);
      expect(page('#given-name').val()).toBe('<b>Ann</b>');
      expect(res.body).not.toContain('<b>Ann</b>');
      const words = 'word '.repeat(601);
      const long = await client.post('/application/personal-statement', { statement: words }, csrf);
      expect($(long)('.govuk-error-summary').text()).toContain(
        'Your personal statement must be 600 words or fewer (it has 601)',
      );
      const young = await client.post(
        '/application/personal-details',
        {
          'given-name': 'A',
          'family-name': 'B',
          'date-of-birth-day': '1',
          'date-of-birth-month': '1',
          'date-of-birth-year': String(new Date().getFullYear() - 10),
        },
        csrf,
      );
      expect($(young)('.govuk-error-summary').text()).toContain('You must be 18 or older to apply');
      expect((await client.get('/application/no-such-section')).statusCode).toBe(404);
    });

    it('a provider that does not take trainees where the candidate lives cannot be chosen; the candidate is told why and offered others', async () => {
      const client = new FormClient(t.app);
      await signIn(client, t.database.db, 'chooser@example.org');
      const csrf = await client.csrf('/application/where-you-live');
      await client.post('/application/where-you-live', { country: 'NG', town: 'Lagos' }, csrf);
      const res = await client.post('/application/provider', { provider: 'sample-provider-mena-region' }, csrf);
      expect(res.statusCode).toBe(400);
      const page = $(res);
      expect(page('.govuk-error-summary').text()).toContain('does not take trainees in Nigeria');
      expect(page('main a[href^="/providers/"]').length).toBeGreaterThan(0);
      const suspended = await client.post('/application/provider', { provider: 'sheffield-hallam-university' }, csrf);
      expect($(suspended)('.govuk-error-summary').text()).toContain('is not currently approved to offer iQTS');
    });

    it('the whole journey: task list, submit (20 concurrent POSTs make one application), interview, offer with a placement condition, accept, recruited', async () => {
      const candidate = new FormClient(t.app);
      await signIn(candidate, t.database.db, 'amina@example.org');
      const list = $(await candidate.get('/application'));
      expect(list('.govuk-task-list__item').length).toBe(13);
      await completeApplication(candidate);
      const ready = $(await candidate.get('/application'));
      expect(ready('a.govuk-button[href="/application/check"]').length).toBe(1);
      expect(
        $(await candidate.get('/application/check'))('.govuk-summary-card__title')
          .first()
          .text()
          .trim(),
      ).toBe('Where you live');

      const csrf = await candidate.csrf('/application/check');
      const posts = await Promise.all(
        Array.from({ length: 20 }, () => candidate.post('/application/submit', {}, csrf)),
      );
      expect(posts.every((r) => r.statusCode === 303)).toBe(true);
      const candidateId = (
        await t.database.db
          .selectFrom('users')
          .select('id')
          .where('email', '=', 'amina@example.org')
          .executeTakeFirstOrThrow()
      ).id;
      expect(await count((q) => q.where('candidate_id', '=', candidateId).where('status', '!=', 'draft'))).toBe(1);
      const app = await t.database.db
        .selectFrom('applications')
        .selectAll()
        .where('candidate_id', '=', candidateId)
        .executeTakeFirstOrThrow();
      expect(app.status).toBe('awaiting-decision');
      const submittedEmails = await t.database.db
        .selectFrom('outbox')
        .select(['to_email', 'template'])
        .where('template', 'like', 'application-submitted%')
        .execute();
      expect(submittedEmails.filter((e) => e.to_email === 'amina@example.org').length).toBe(1);
      expect(submittedEmails.filter((e) => e.to_email === 'sample.provider1@example.com').length).toBe(1);

      const status = async () =>
        $(await candidate.get(`/applications/${app.reference}`))('[data-testid="status"]').text();
      expect(await status()).toBe('Awaiting decision');

      const provider = new FormClient(t.app);
      expect(await signIn(provider, t.database.db, 'sample.provider1@example.com')).toBe('/provider');
      const listing = $(await provider.get('/provider'));
      expect(listing('table').text()).toContain('Amina Okafor');
      const view = `/provider/applications/${app.reference}`;
      const pcsrf = await provider.csrf(view);
      // Matching: the provider's partner schools nearest the candidate's town, with distances.
      expect((await provider.get(view)).body).toMatch(/Ikeja Partner School, Lagos, Nigeria – \d+\.\d km/);
      const school = await t.database.db
        .selectFrom('placement_schools')
        .select('id')
        .where('name', '=', 'Ikeja Partner School')
        .executeTakeFirstOrThrow();
      expect((await provider.post(`${view}/propose-school`, { schoolId: String(school.id) }, pcsrf)).statusCode).toBe(
        303,
      );

      // Inviting proposes a time (features/interviews has the whole interview journey).
      const next = new Date(Date.now() + 30 * 86_400_000);
      const invited = await provider.post(
        `${view}/invite-to-interview`,
        {
          zone: 'Europe/London',
          'slot1-day': String(next.getUTCDate()),
          'slot1-month': String(next.getUTCMonth() + 1),
          'slot1-year': String(next.getUTCFullYear()),
          'slot1-time': '10:00',
          duration: '45',
          mode: 'online',
          link: 'https://meet.example.org/interview',
        },
        pcsrf,
      );
      expect(invited.statusCode).toBe(303);
      expect(await status()).toBe('Interviewing');
      const noReason = await provider.post(`${view}/reject`, { feedback: 'x' }, pcsrf);
      expect($(noReason)('.govuk-error-summary').text()).toContain('Select at least one reason');
      expect(
        (await provider.post(`${view}/make-offer`, { conditions: ['placement-school-confirmed'] }, pcsrf)).statusCode,
      ).toBe(303);
      expect(await status()).toBe('Offer made');
      const offerPage = $(await candidate.get(`/applications/${app.reference}`));
      expect(offerPage('main').text()).toContain('Placement school confirmed');
      expect(offerPage('main').text()).toContain('Ikeja Partner School');

      const ccsrf = await candidate.csrf(`/applications/${app.reference}`);
      expect((await candidate.post(`/applications/${app.reference}/accept-offer`, {}, ccsrf)).statusCode).toBe(303);
      expect(await status()).toBe('Offer accepted – conditions pending');
      expect((await provider.post(`${view}/confirm-conditions-met`, {}, pcsrf)).statusCode).toBe(303);
      expect(await status()).toBe('Recruited');

      // A step the state machine does not allow is refused with a message; nothing changes.
      const late = await provider.post(`${view}/reject`, { reasons: 'other', feedback: 'Too late' }, pcsrf);
      expect(late.statusCode).toBe(400);
      expect($(late)('.govuk-error-summary').text()).toContain(
        'You cannot reject application when the application is ‘recruited’',
      );
      expect(await status()).toBe('Recruited');

      const history = $(await provider.get(view));
      expect(history('[data-testid="history"] li').length).toBe(7);
      expect(history('[data-testid="history"]').text()).toContain('Offer made → Offer accepted – conditions pending');
      const events = await t.database.db
        .selectFrom('audit_events')
        .select(['action', 'to_state'])
        .where('application_id', '=', app.id)
        .orderBy('id')
        .execute();
      expect(events.map((e) => e.action)).toEqual([
        'submit',
        'propose-placement-school',
        'invite-to-interview',
        'make-offer',
        // The interview offered but not yet held ends with the offer.
        'interview-cancel',
        'accept-offer',
        'confirm-conditions-met',
      ]);
      const emails = await t.database.db
        .selectFrom('outbox')
        .select('template')
        .where('to_email', '=', 'amina@example.org')
        .orderBy('id')
        .execute();
      expect(emails.map((e) => e.template)).toEqual([
        'sign-in-code',
        'application-submitted-candidate',
        'placement-school-proposed',
        'interview-invited',
        'offer-made',
        'conditions-met-recruited',
      ]);

      const csv = await provider.get('/provider/applications.csv?status=recruited');
      expect(csv.headers['content-type']).toContain('text/csv');
      expect(csv.body).toContain(`${app.reference},Amina Okafor,NG,secondary,Recruited`);
    });

    it('a school the candidate arranged is recorded as an unverified partner school and proposed', async () => {
      const candidate = new FormClient(t.app);
      await signIn(candidate, t.database.db, 'arranged@example.org');
      await completeApplication(candidate, {
        ...LAGOS_CANDIDATE,
        placement: {
          preference: 'arranged',
          'school-name': 'Lekki Arranged School',
          'school-town': 'Lagos',
          'school-country': 'NG',
        },
      });
      await candidate.post('/application/submit', {}, await candidate.csrf('/application/check'));
      const app = await t.database.db
        .selectFrom('applications as a')
        .innerJoin('users as u', 'u.id', 'a.candidate_id')
        .select(['a.reference', 'a.id'])
        .where('u.email', '=', 'arranged@example.org')
        .executeTakeFirstOrThrow();
      const provider = new FormClient(t.app);
      await signIn(provider, t.database.db, 'sample.provider1@example.com');
      const view = `/provider/applications/${app.reference}`;
      expect(
        $(await provider.get(view))('#placement ~ p')
          .first()
          .text(),
      ).toContain('The candidate has arranged: Lekki Arranged School, Lagos, Nigeria');
      expect((await provider.post(`${view}/record-school`, {}, await provider.csrf(view))).statusCode).toBe(303);
      const school = await t.database.db
        .selectFrom('placement_schools')
        .select(['id', 'verified'])
        .where('name', '=', 'Lekki Arranged School')
        .executeTakeFirstOrThrow();
      expect(school.verified).toBe(0);
      const after = await t.database.db
        .selectFrom('applications')
        .select('placement_school_id')
        .where('id', '=', app.id)
        .executeTakeFirstOrThrow();
      expect(after.placement_school_id).toBe(school.id);
      expect($(await provider.get(view))('main').text()).toContain(
        'Proposed: Lekki Arranged School, Lagos, Nigeria (not yet verified)',
      );
      const events = await t.database.db
        .selectFrom('audit_events')
        .select('action')
        .where('application_id', '=', app.id)
        .orderBy('id')
        .execute();
      expect(events.map((e) => e.action)).toEqual(['submit', 'record-placement-school', 'propose-placement-school']);
    });

    it('the candidate can withdraw an open application, with a reason', async () => {
      const candidate = new FormClient(t.app);
      await signIn(candidate, t.database.db, 'withdraws@example.org');
      await completeApplication(candidate);
      await candidate.post('/application/submit', {}, await candidate.csrf('/application/check'));
      const app = await t.database.db
        .selectFrom('applications as a')
        .innerJoin('users as u', 'u.id', 'a.candidate_id')
        .select('a.reference')
        .where('u.email', '=', 'withdraws@example.org')
        .executeTakeFirstOrThrow();
      const page = `/applications/${app.reference}`;
      const csrf = await candidate.csrf(page);
      const empty = await candidate.post(`${page}/withdraw`, { reason: ' ' }, csrf);
      expect($(empty)('.govuk-error-summary').text()).toContain('Enter why you are withdrawing your application');
      expect((await candidate.post(`${page}/withdraw`, { reason: 'I have accepted a job' }, csrf)).statusCode).toBe(
        303,
      );
      expect($(await candidate.get(page))('[data-testid="status"]').text()).toBe('Withdrawn by candidate');
    });
  });
}
