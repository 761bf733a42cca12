import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeState } from '../../src/features/applications/repository.ts';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { offerCohort } from '../../src/features/providers/cohort-cap.ts';
import { loadReferenceProviders } from '../../src/features/providers/reference-data.ts';
import { seedSampleTrainees } from '../../src/features/training/sample.ts';
import { today } from '../../src/shared/dates.ts';
import { candidateScope, providerScope } from '../../src/shared/scope.ts';
import { signIn } from '../helpers/accounts.ts';
import { $, FormClient, startTestApp, type TestApp } from '../helpers/app.ts';
import { completeApplication } from '../helpers/applications.ts';
import { engines } from '../helpers/databases.ts';
import { signInAs } from '../helpers/training.ts';

const SERVICE = 'http://localhost:3000';
const SLUG = 'sample-provider-worldwide-online';
const [YEAR, MONTH, DAY] = today().split('-');
const TODAY_PARTS = { 'date-day': DAY!, 'date-month': MONTH!, 'date-year': YEAR! };

for (const engine of engines) {
  describe.skipIf(engine.skip)(`providers' approval and cohort cap (${engine.name})`, () => {
    let t: TestApp;
    let admin: FormClient;
    let staff: FormClient;
    let providerId: number;
    const db = () => t.database.db;
    const status = async (id = providerId) =>
      (await db().selectFrom('providers').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
    const auditRows = (id = providerId) =>
      db()
        .selectFrom('audit_events')
        .select(['action', 'from_state', 'to_state', 'detail', 'provider_id'])
        .where('provider_id', '=', id)
        .where('action', 'like', 'provider-%')
        .orderBy('id')
        .execute();
    const step = async (event: string, fields: Record<string, string>, id = providerId) => {
      const page = `/admin/providers/${id}/status?event=${event}`;
      return admin.post(`/admin/providers/${id}/status`, { event, ...fields }, await admin.csrf(page));
    };
    /** A candidate's complete application to the sample provider, submitted through the pages. */
    const submitted = async (email: string) => {
      const candidate = new FormClient(t.app);
      await signIn(candidate, db(), email);
      await completeApplication(candidate, undefined, SLUG);
      const res = await candidate.post('/application/submit', {}, await candidate.csrf('/application/check'));
      expect(res.statusCode, $(res)('.govuk-error-summary').text()).toBe(303);
      const row = await db()
        .selectFrom('applications as a')
        .innerJoin('users as u', 'u.id', 'a.candidate_id')
        .select(['a.reference', 'a.id'])
        .where('u.email', '=', email)
        .executeTakeFirstOrThrow();
      return { candidate, ...row };
    };

    beforeAll(async () => {
      t = await startTestApp({ engine: engine.name, env: { SERVICE_URL: SERVICE } });
      await seedSampleData(db(), 0);
      providerId = (await db().selectFrom('providers').select('id').where('slug', '=', SLUG).executeTakeFirstOrThrow())
        .id;
      await seedSampleTrainees(db(), providerId, SERVICE);
      admin = await signInAs(t, 'sample.admin@example.com');
      staff = await signInAs(t, 'sample.provider1@example.com');
    }, 180_000);
    afterAll(async () => t?.close());

    it('lists providers by status, paged, with each name linking to its page; a bad filter is an error, not a 500', async () => {
      const all = $(await admin.get('/admin/providers'));
      expect(all('h1').text()).toBe('Providers’ approval');
      const link = all(`a[href="/admin/providers/${providerId}"]`);
      const { name } = await db()
        .selectFrom('providers')
        .select('name')
        .where('id', '=', providerId)
        .executeTakeFirstOrThrow();
      expect(link.text()).toBe(name);
      const ended = $(await admin.get('/admin/providers?status=no-longer-offering'));
      const names = ended('tbody tr td:first-child')
        .map((_, e) => ended(e).text().trim())
        .get();
      expect(names).toContain('Sheffield Hallam University');
      expect(names).not.toContain(link.text());
      expect(ended('caption').text()).toContain('no longer listed as offering iqts');

      for (const bad of ['/admin/providers?status=closed', '/admin/providers?page=abc', '/admin/providers?page=-1']) {
        const res = await admin.get(bad);
        expect(res.statusCode, bad).toBe(400);
        expect($(res)('.govuk-error-summary').text(), bad).toMatch(/Choose a status from the list|Enter a page number/);
      }
      for (const hostile of [
        '/admin/providers?status[]=approved&status[]=x',
        '/admin/providers?status=%00%3Cscript%3E',
        `/admin/providers?page=${'9'.repeat(400)}`,
      ]) {
        expect((await admin.get(hostile)).statusCode, hostile).toBeLessThan(500);
      }
      const beyond = $(await admin.get('/admin/providers?page=999'));
      expect(beyond('main').text()).toContain('There are no more providers');

      const overview = $(await admin.get('/admin'));
      expect(overview(`a[href="/admin/providers/${providerId}"]`).length).toBe(1);
    });

    it('pages the list: 25 a page, with GOV.UK pagination', async () => {
      const total = Number(
        (
          await db()
            .selectFrom('providers')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
      const first = $(await admin.get('/admin/providers'));
      expect(first('tbody tr').length).toBe(Math.min(total, 25));
      if (total > 25) {
        expect(first('.govuk-pagination__next a').attr('href')).toBe('/admin/providers?page=2');
        const second = $(await admin.get('/admin/providers?page=2'));
        expect(second('tbody tr').length).toBe(Math.min(total - 25, 25));
      } else expect(first('.govuk-pagination').length).toBe(0);
    });

    it('records a provider’s application; bad input is refused with the error summary and nothing is recorded', async () => {
      const page = $(await admin.get('/admin/providers/new'));
      expect(page('#date-day').val()).toBe(String(Number(DAY)));
      const csrf = await admin.csrf('/admin/providers/new');
      const countBefore = (await db().selectFrom('providers').select('id').execute()).length;
      const bad = await admin.post(
        '/admin/providers/new',
        {
          name: '',
          website: 'http://insecure.example',
          'date-day': '31',
          'date-month': '2',
          'date-year': '2026',
          reason: '',
        },
        csrf,
      );
      expect(bad.statusCode).toBe(400);
      const summary = $(bad)('.govuk-error-summary').text();
      expect(summary).toContain('Enter the provider’s name');
      expect(summary).toContain('Enter a website address starting https://');
      expect(summary).toContain('must be a real date');
      expect(summary).toContain('Enter a note about the application');
      expect($(bad)('title').text()).toMatch(/^Error: /);
      const future = await admin.post(
        '/admin/providers/new',
        { name: 'Test Provider', 'date-day': '1', 'date-month': '1', 'date-year': '2999', reason: 'x' },
        csrf,
      );
      expect($(future)('.govuk-error-summary').text()).toContain('must be today or in the past');
      const hostile = await admin.post(
        '/admin/providers/new',
        { name: ['a', 'b'], reason: 'x'.repeat(5000), 'date-day': '<script>', 'date-month': '', 'date-year': '' },
        csrf,
      );
      expect(hostile.statusCode).toBe(400);
      expect((await db().selectFrom('providers').select('id').execute()).length).toBe(countBefore);

      const made = await admin.post(
        '/admin/providers/new',
        {
          name: 'Test Applicant University',
          website: 'https://applicant.example.org',
          ...TODAY_PARTS,
          reason: 'Applied for the 2027 intake',
        },
        csrf,
      );
      expect(made.statusCode).toBe(303);
      const id = Number(/\/admin\/providers\/(\d+)/.exec(String(made.headers.location))?.[1]);
      expect(await status(id)).toBe('applied');
      const shown = $(await admin.get(String(made.headers.location)));
      expect(shown('.govuk-notification-banner').text()).toContain('application is recorded');
      expect(shown('.govuk-summary-list').text()).toContain('Applied for approval');
      expect(shown('#history ~ table, table').last().text()).toContain('Applied for the 2027 intake');
      // Not in the finder until approved.
      expect((await t.app.inject('/providers')).body).not.toContain('Test Applicant University');
      const again = await admin.post(
        '/admin/providers/new',
        { name: 'Test Applicant University', ...TODAY_PARTS, reason: 'again' },
        csrf,
      );
      expect(again.statusCode).toBe(400);
      expect($(again)('.govuk-error-summary').text()).toContain('already recorded');

      const approved = await step(
        'approve',
        { expected: 'applied', ...TODAY_PARTS, reason: 'Accredited provider' },
        id,
      );
      expect(approved.statusCode).toBe(303);
      expect(await status(id)).toBe('approved');
      expect((await t.app.inject('/providers')).body).toContain('Test Applicant University');
    });

    it('suspends a provider: confirmation page, audit row, emails, and the finder and apply guard follow at once', async () => {
      const provider = $(await admin.get(`/admin/providers/${providerId}`));
      const links = provider('#steps ~ ul a')
        .map((_, e) => provider(e).text())
        .get();
      expect(links).toEqual(['Suspend', 'Withdraw approval', 'Record that it no longer offers iQTS']);
      const confirm = $(await admin.get(`/admin/providers/${providerId}/status?event=suspend`));
      expect(confirm('h1').text()).toBe('Suspend');
      expect(confirm('.govuk-warning-text').text()).toContain('not taking new applications');
      expect(confirm('#date-day').val()).toBe(String(Number(DAY)));
      expect(confirm('input[name="expected"]').val()).toBe('approved');

      const noReason = await step('suspend', { expected: 'approved', ...TODAY_PARTS, reason: '  ' });
      expect(noReason.statusCode).toBe(400);
      expect($(noReason)('.govuk-error-summary a[href="#reason"]').text()).toBe('Enter the reason');
      expect($(noReason)('h1').text()).toBe('Suspend');
      expect(await status()).toBe('approved');

      const before = (await auditRows()).length;
      const res = await step('suspend', { expected: 'approved', ...TODAY_PARTS, reason: 'Inspection under way' });
      expect(res.statusCode).toBe(303);
      expect(await status()).toBe('suspended');
      const rows = await auditRows();
      expect(rows.length).toBe(before + 1);
      expect(rows.at(-1)).toMatchObject({
        action: 'provider-suspended',
        from_state: 'approved',
        to_state: 'suspended',
        provider_id: providerId,
      });
      expect(JSON.parse(rows.at(-1)!.detail!)).toEqual({ date: today(), reason: 'Inspection under way' });
      const mail = await db()
        .selectFrom('outbox')
        .select(['to_email', 'body'])
        .where('template', '=', 'provider-suspended')
        .execute();
      expect(mail.map((m) => m.to_email)).toContain('sample.provider1@example.com');
      expect(mail[0]!.body).toContain('Inspection under way');

      const after = $(await admin.get(`/admin/providers/${providerId}?done=suspend`));
      expect(after('.govuk-notification-banner').text()).toContain('suspended');
      expect(after('table').last().text()).toContain('Inspection under way');

      // The finder: shown apart, as not taking applications, with no reason beyond that.
      const finder = $(await t.app.inject('/providers'));
      const paused = finder('.app-not-taking').text();
      expect(paused).toContain('not taking new applications at the moment');
      expect(finder('.app-results').text()).not.toContain(link(finder));
      expect(finder('main').text()).not.toContain('Inspection under way');
      const profile = $(await t.app.inject(`/providers/${SLUG}`));
      expect(profile('.app-not-taking').text()).toContain(
        'This provider is not taking new applications at the moment.',
      );
      expect(profile('a:contains("Apply to this provider")').length).toBe(0);

      // The apply guard: the candidate is told the same fact.
      const candidate = new FormClient(t.app);
      await signIn(candidate, db(), 'suspended.chooser@example.org');
      const csrf = await candidate.csrf('/application/provider');
      const chosen = await candidate.post('/application/provider', { provider: SLUG }, csrf);
      expect(chosen.statusCode).toBe(400);
      expect($(chosen)('.govuk-error-summary').text()).toContain('is not taking new applications at the moment');

      function link(page: ReturnType<typeof $>) {
        return page(`a[href="/providers/${SLUG}"]`).first().text() || 'Sample Provider';
      }
    });

    it('content pages that list providers follow a suspension at once', async () => {
      const IQTS = '/non-uk-teachers/international-qualified-teacher-status';
      const listed = async () => {
        const page = $(await t.app.inject(IQTS));
        return page('.app-provider-list a')
          .map((_, el) => page(el).text())
          .get();
      };
      expect(await listed()).toContain('University of Derby');
      const { id } = await db()
        .selectFrom('providers')
        .select('id')
        .where('slug', '=', 'university-of-derby')
        .executeTakeFirstOrThrow();
      const res = await step('suspend', { expected: 'approved', ...TODAY_PARTS, reason: 'Content check' }, id);
      expect(res.statusCode).toBe(303);
      expect(await listed()).not.toContain('University of Derby');
      // Loading DfE's list again (every start) keeps the DfE's decision recorded here.
      await loadReferenceProviders(db());
      expect(await status(id)).toBe('suspended');
      await step('lift-suspension', { expected: 'suspended', ...TODAY_PARTS, reason: 'Content check over' }, id);
      expect(await listed()).toContain('University of Derby');
    });

    it('a stale or disallowed step is refused with a clear message, and nothing changes', async () => {
      expect(await status()).toBe('suspended');
      const before = (await auditRows()).length;
      // The form was opened while the provider was approved; it has been suspended since.
      const stale = await step('suspend', { expected: 'approved', ...TODAY_PARTS, reason: 'Twice' });
      expect(stale.statusCode).toBe(409);
      expect($(stale)('.govuk-error-summary').text()).toContain('it changed after you opened the form');
      const tampered = await step('approve', { expected: 'suspended', ...TODAY_PARTS, reason: 'x' });
      expect(tampered.statusCode).toBe(409);
      expect($(tampered)('.govuk-error-summary').text()).toContain(
        'You cannot approve when the provider is ‘suspended’',
      );
      const wrongGet = await admin.get(`/admin/providers/${providerId}/status?event=approve`);
      expect(wrongGet.statusCode).toBe(409);
      expect((await admin.get(`/admin/providers/${providerId}/status?event=destroy`)).statusCode).toBe(404);
      expect((await admin.get(`/admin/providers/${providerId}/status`)).statusCode).toBe(404);
      const junk = await step('<b>', { expected: 'nope', 'date-day': 'x', reason: 'x'.repeat(2000) });
      expect(junk.statusCode).toBe(400);
      expect($(junk)('.govuk-error-summary').length).toBe(1);
      expect((await admin.get('/admin/providers/99999999')).statusCode).toBe(404);
      expect((await admin.get('/admin/providers/abc')).statusCode).toBe(404);
      expect(await status()).toBe('suspended');
      expect((await auditRows()).length).toBe(before);
    });

    it('a suspended provider keeps its applications: it can reject, but cannot make a new offer; candidates cannot submit', async () => {
      // Two applications made while it was approved.
      await db().updateTable('providers').set({ status: 'approved' }).where('id', '=', providerId).execute();
      const first = await submitted('kept.one@example.org');
      const second = await submitted('kept.two@example.org');
      // A draft ready to submit, its provider chosen while approved.
      const late = new FormClient(t.app);
      await signIn(late, db(), 'kept.late@example.org');
      await completeApplication(late, undefined, SLUG);
      await db().updateTable('providers').set({ status: 'suspended' }).where('id', '=', providerId).execute();

      const view = `/provider/applications/${first.reference}`;
      const csrf = await staff.csrf(view);
      const offer = await staff.post(`${view}/make-offer`, { conditions: [] }, csrf);
      expect(offer.statusCode).toBe(400);
      expect($(offer)('.govuk-error-summary').text()).toContain('suspended, so you cannot make new offers');
      const reject = await staff.post(
        `/provider/applications/${second.reference}/reject`,
        { reasons: 'other', feedback: 'Thank you for applying.' },
        csrf,
      );
      expect(reject.statusCode).toBe(303);

      const submit = await late.post('/application/submit', {}, await late.csrf('/application/check'));
      expect(submit.statusCode).toBe(400);
      expect($(submit)('.govuk-error-summary').text()).toContain('not taking new applications at the moment');

      // Lifting the suspension: the finder lists it again, and the offer can be made.
      const lifted = await step('lift-suspension', {
        expected: 'suspended',
        ...TODAY_PARTS,
        reason: 'Inspection passed',
      });
      expect(lifted.statusCode).toBe(303);
      expect($(await t.app.inject('/providers'))('.app-not-taking').length).toBe(0);
      expect((await staff.post(`${view}/make-offer`, { conditions: [] }, csrf)).statusCode).toBe(303);
      const row = await db()
        .selectFrom('applications')
        .select(['status', 'offer_cohort'])
        .where('id', '=', first.id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'offer', offer_cohort: offerCohort(today()) });
    });

    it('a submit that races a suspension is refused inside its transaction, and stays a draft', async () => {
      const candidate = new FormClient(t.app);
      await signIn(candidate, db(), 'racing.submit@example.org');
      await completeApplication(candidate, undefined, SLUG);
      const draft = await db()
        .selectFrom('applications as a')
        .innerJoin('users as u', 'u.id', 'a.candidate_id')
        .select(['a.id', 'a.candidate_id'])
        .where('u.email', '=', 'racing.submit@example.org')
        .executeTakeFirstOrThrow();
      // Suspended after the page's own check passed: the transaction sees it.
      await db().updateTable('providers').set({ status: 'suspended' }).where('id', '=', providerId).execute();
      const result = await changeState(db(), candidateScope(draft.candidate_id), {
        applicationId: draft.id,
        event: 'submit',
        set: { provider_id: providerId, submitted_at: new Date().toISOString() },
        serviceUrl: SERVICE,
      });
      expect(result).toEqual({ ok: false, message: 'This provider is not taking new applications at the moment' });
      const row = await db()
        .selectFrom('applications')
        .select('status')
        .where('id', '=', draft.id)
        .executeTakeFirstOrThrow();
      expect(row.status).toBe('draft');
      await db().updateTable('providers').set({ status: 'approved' }).where('id', '=', providerId).execute();
    });

    it('the cohort cap: a DfE override with a reason, audited; an offer past it is refused with the limit', async () => {
      const page = `/admin/providers/${providerId}`;
      const csrf = await admin.csrf(page);
      for (const [cap, message] of [
        ['', 'Enter the number of trainees'],
        ['abc', 'must be a whole number'],
        ['0', 'must be 1 or more'],
        ['1e9', 'must be a whole number'],
        ['9999999', 'must be 100,000 or fewer'],
      ] as const) {
        const res = await admin.post(`${page}/cohort-cap`, { cap, reason: 'Growth' }, csrf);
        expect(res.statusCode, cap).toBe(400);
        expect($(res)('.govuk-error-summary').text(), cap).toContain(message);
      }
      const noReason = await admin.post(`${page}/cohort-cap`, { cap: '5' }, csrf);
      expect($(noReason)('.govuk-error-summary a[href="#cap-reason"]').text()).toBe('Enter the reason');
      const cap = async () =>
        (await db().selectFrom('providers').select('cohort_cap').where('id', '=', providerId).executeTakeFirstOrThrow())
          .cohort_cap;
      expect(await cap()).toBe(200);

      // Places already taken this cohort: the offer made above, plus the sample trainees' recruited applications.
      const taken = Number(
        (
          await db()
            .selectFrom('applications')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('provider_id', '=', providerId)
            .where('offer_cohort', '=', offerCohort(today()))
            .where('status', 'in', ['offer', 'conditions-pending', 'recruited'])
            .executeTakeFirstOrThrow()
        ).n,
      );
      const set = await admin.post(`${page}/cohort-cap`, { cap: String(taken + 1), reason: 'Trial limit' }, csrf);
      expect(set.statusCode).toBe(303);
      expect(await cap()).toBe(taken + 1);
      const audit = (await auditRows()).at(-1)!;
      expect(audit).toMatchObject({
        action: 'provider-cohort-cap-changed',
        from_state: '200',
        to_state: String(taken + 1),
      });
      const email = await db()
        .selectFrom('outbox')
        .select('body')
        .where('template', '=', 'provider-cohort-cap-changed')
        .executeTakeFirstOrThrow();
      expect(email.body).toContain('Trial limit');
      expect($(await admin.get(page))('.govuk-summary-list').text()).toContain(`${taken} of ${taken + 1}`);

      const a = await submitted('cap.one@example.org');
      const b = await submitted('cap.two@example.org');
      const csrfStaff = await staff.csrf(`/provider/applications/${a.reference}`);
      expect(
        (await staff.post(`/provider/applications/${a.reference}/make-offer`, { conditions: [] }, csrfStaff))
          .statusCode,
      ).toBe(303);
      const full = await staff.post(`/provider/applications/${b.reference}/make-offer`, { conditions: [] }, csrfStaff);
      expect(full.statusCode).toBe(400);
      expect($(full)('.govuk-error-summary').text()).toContain(
        `You have reached your cohort limit of ${taken + 1} trainees for the ${offerCohort(today())} cohort`,
      );
      // Declining gives the place back.
      const ccsrf = await a.candidate.csrf(`/applications/${a.reference}`);
      expect((await a.candidate.post(`/applications/${a.reference}/decline-offer`, {}, ccsrf)).statusCode).toBe(303);
      expect(
        (await staff.post(`/provider/applications/${b.reference}/make-offer`, { conditions: [] }, csrfStaff))
          .statusCode,
      ).toBe(303);
    });

    it('50 offers at once against a cap of 10: exactly 10 are made', async () => {
      const stamp = new Date().toISOString();
      const { id: raceProvider } = await db()
        .selectFrom('providers')
        .select('id')
        .where('slug', '=', 'sample-provider-worldwide-except')
        .executeTakeFirstOrThrow();
      await db().updateTable('providers').set({ cohort_cap: 10 }).where('id', '=', raceProvider).execute();
      const ids: number[] = [];
      for (let i = 0; i < 50; i++) {
        const user = await db()
          .insertInto('users')
          .values({
            email: `race${i}@example.org`,
            name: null,
            role: 'candidate',
            created_at: stamp,
            last_signed_in_at: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const app = await db()
          .insertInto('applications')
          .values({
            reference: `IQTS-R${String(i).padStart(6, '0')}`,
            candidate_id: user.id,
            provider_id: raceProvider,
            status: 'awaiting-decision',
            answers: '{}',
            candidate_name: `Race Candidate ${i}`,
            submitted_at: stamp,
            created_at: stamp,
            updated_at: stamp,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        ids.push(app.id);
      }
      const { id: userId } = await db()
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'sample.provider2@example.com')
        .executeTakeFirstOrThrow();
      const scope = providerScope(userId, 'make-decisions', [raceProvider]);
      const results = await Promise.all(
        ids.map((applicationId) =>
          changeState(db(), scope, {
            applicationId,
            event: 'make-offer',
            set: { offer_conditions: '[]' },
            serviceUrl: SERVICE,
          }),
        ),
      );
      expect(results.filter((r) => r.ok).length).toBe(10);
      const refused = results.filter((r) => !r.ok);
      expect(refused.length).toBe(40);
      for (const r of refused) if (!r.ok) expect(r.message).toContain('cohort limit of 10 trainees');
      const offers = await db()
        .selectFrom('applications')
        .select('id')
        .where('provider_id', '=', raceProvider)
        .where('status', '=', 'offer')
        .execute();
      expect(offers.length).toBe(10);
    });

    it('the admin pages are not found for candidates, trainees, mentors and provider users', async () => {
      const others = [
        staff,
        await signInAs(t, 'sample.trainee3@example.com'),
        await signInAs(t, 'sample.mentor1@example.com'),
        await signInAs(t, 'sample.candidate@example.com'),
      ];
      for (const client of others) {
        const csrf = await client.csrf('/feedback');
        for (const url of [
          '/admin/providers',
          '/admin/providers?status=suspended',
          '/admin/providers/new',
          `/admin/providers/${providerId}`,
          `/admin/providers/${providerId}/status?event=suspend`,
        ])
          expect((await client.get(url)).statusCode, url).toBe(404);
        for (const url of [
          '/admin/providers/new',
          `/admin/providers/${providerId}/status`,
          `/admin/providers/${providerId}/cohort-cap`,
        ])
          expect(
            (
              await client.post(
                url,
                { event: 'suspend', expected: 'approved', reason: 'x', cap: '1', name: 'x', ...TODAY_PARTS },
                csrf,
              )
            ).statusCode,
            url,
          ).toBe(404);
      }
      expect(await status()).toBe('approved');
      // Signed out: sent to the staff sign-in.
      const anonymous = await t.app.inject('/admin/providers');
      expect(anonymous.statusCode).toBe(303);
    });
  });
}
