import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSampleTrainees } from '../../src/features/training/sample.ts';
import { $, FormClient, startTestApp, type TestApp } from '../helpers/app.ts';
import { engines } from '../helpers/databases.ts';
import { signInAs } from '../helpers/training.ts';
import { sampleProvider } from '../helpers/training-fixtures.ts';

const SERVICE = 'http://localhost:3000';
/** The sample trainee at "final review: all standards met". */
const TEACHER = 'sample.trainee3@example.com';
const outbox = (t: TestApp, template: string) =>
  t.database.db.selectFrom('outbox').select(['to_email', 'personalisation']).where('template', '=', template).execute();

for (const engine of engines) {
  describe.skipIf(engine.skip)(`recommend, award, check (${engine.name})`, () => {
    let t: TestApp;
    let provider: FormClient;
    let admin: FormClient;
    const ids: Record<string, number> = {};

    beforeAll(async () => {
      t = await startTestApp({ engine: engine.name, env: { SERVICE_URL: SERVICE } });
      const db = t.database.db;
      const { providerId } = await sampleProvider(db);
      await seedSampleTrainees(db, providerId, SERVICE);
      for (const r of await db.selectFrom('trainees').select(['id', 'name']).execute()) ids[r.name] = r.id;
      await db
        .insertInto('users')
        .values({
          email: 'award.admin@example.org',
          name: null,
          role: 'admin',
          created_at: new Date().toISOString(),
          last_signed_in_at: null,
        })
        .execute();
      provider = await signInAs(t, 'sample.provider1@example.com');
      admin = await signInAs(t, 'award.admin@example.org');
    }, 180_000);
    afterAll(async () => t?.close());

    it('the recommendation page lists every guard in plain words; the button only when they hold', async () => {
      const ready = $(await provider.get(`/provider/trainees/${ids['Sample Trainee Final Review']}/recommend`));
      expect(ready('h1').text()).toBe('Recommend Sample Trainee Final Review for iQTS');
      expect(ready('.app-guards li').length).toBe(5);
      expect(
        ready('.app-guards .govuk-tag')
          .map((_, e) => ready(e).text().trim())
          .get(),
      ).toEqual(Array(5).fill('Met'));
      expect(ready('button').text()).toContain('Recommend for iQTS');

      const midway = $(await provider.get(`/provider/trainees/${ids['Sample Trainee Mid-way']}/recommend`));
      const notMet = midway('.app-guards li').filter(
        (_, e) => midway(e).find('.govuk-tag').text().trim() === 'Not met',
      );
      expect(notMet.text()).toContain('No final assessment recorded');
      expect(midway('button:contains("Recommend for iQTS")').length).toBe(0);
    });

    it('a tampered form cannot recommend a trainee who fails a guard; nothing changes', async () => {
      const id = ids['Sample Trainee Mid-way']!;
      const csrf = await provider.csrf(`/provider/trainees/${ids['Sample Trainee Final Review']}/recommend`);
      const today = new Date().toISOString().slice(0, 10);
      const [y, m, d] = today.split('-');
      const res = await provider.post(
        `/provider/trainees/${id}/recommend`,
        { 'outcomeDate-day': d!, 'outcomeDate-month': m!, 'outcomeDate-year': y! },
        csrf,
      );
      expect(res.statusCode).toBe(400);
      expect($(res)('.govuk-error-summary').text()).toContain('You cannot recommend this trainee yet');
      const row = await t.database.db
        .selectFrom('trainees')
        .select('state')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(row.state).toBe('in-training');
    });

    it('bulk: every line is checked first, with its line number; one bad line and nobody is recommended', async () => {
      const ready = ids['Sample Trainee Final Review']!;
      const midway = ids['Sample Trainee Mid-way']!;
      const csrf = await provider.csrf('/provider/trainees/recommend-many');
      const today = new Date().toISOString().slice(0, 10);
      const res = await provider.post(
        '/provider/trainees/recommend-many',
        { csv: `trainee_id,outcome_date\n${ready},${today}\n${midway},${today}\n999999,${today}\n` },
        csrf,
      );
      expect(res.statusCode).toBe(400);
      const problems = $(res)('table tbody tr')
        .map((_, tr) => $(res)(tr).text().replace(/\s+/g, ' ').trim())
        .get();
      expect(problems.some((p) => p.startsWith('3 Sample Trainee Mid-way: no final assessment recorded'))).toBe(true);
      expect(problems).toContain('4 Trainee 999999 is not one of your trainees');
      expect(problems.some((p) => p.startsWith('2 '))).toBe(false);
      const states = await t.database.db
        .selectFrom('trainees')
        .select('state')
        .where('id', 'in', [ready, midway])
        .execute();
      expect(states.map((r) => r.state)).toEqual(['in-training', 'in-training']);
      const malformed = await provider.post('/provider/trainees/recommend-many', { csv: 'id,date\n1,2' }, csrf);
      expect($(malformed)('table tbody').text()).toContain('The first line must be the column names');
    });

    it('an outcome date in the future is refused with the reason', async () => {
      const id = ids['Sample Trainee Final Review']!;
      const csrf = await provider.csrf(`/provider/trainees/${id}/recommend`);
      const res = await provider.post(
        `/provider/trainees/${id}/recommend`,
        { 'outcomeDate-day': '1', 'outcomeDate-month': '1', 'outcomeDate-year': '2099' },
        csrf,
      );
      expect(res.statusCode).toBe(400);
      expect($(res)('#guard-outcome-date').text()).toContain('1 January 2099 is in the future');
      const dfe = await outbox(t, 'recommended-for-award-dfe');
      expect(dfe.filter((e) => e.personalisation.includes('Final Review'))).toEqual([]);
    });

    it('recommends; the provider and the DfE are told; the queue shows it', async () => {
      const id = ids['Sample Trainee Final Review']!;
      const page = $(await provider.get(`/provider/trainees/${id}/recommend`));
      const form = {
        'outcomeDate-day': page('#outcomeDate-day').val() as string,
        'outcomeDate-month': page('#outcomeDate-month').val() as string,
        'outcomeDate-year': page('#outcomeDate-year').val() as string,
      };
      const res = await provider.post(
        `/provider/trainees/${id}/recommend`,
        form,
        page('input[name=_csrf]').val() as string,
      );
      expect(res.statusCode).toBe(303);
      const after = $(await provider.get(`/provider/trainees/${id}`));
      expect(after('.govuk-inset-text').text()).toContain(
        `Recommended for award, with an outcome date of ${Number(form['outcomeDate-day'])}`,
      );
      expect((await outbox(t, 'recommended-for-award-dfe')).map((e) => e.to_email)).toContain(
        'award.admin@example.org',
      );
      expect((await outbox(t, 'recommended-for-award-provider')).length).toBeGreaterThan(0);
      const queue = $(await admin.get('/admin/awards'));
      expect(queue('table').first().text()).toContain('Sample Trainee Final Review');
      expect(queue('table').first().text()).toContain('Sample Trainee Recommended');
    });

    let trn = '';
    it('awards once, however often submitted: a 7-digit TRN, QTS from the outcome date, emails to teacher and provider', async () => {
      const id = ids['Sample Trainee Final Review']!;
      const csrf = await admin.csrf(`/admin/awards/${id}`);
      const results = await Promise.all([1, 2, 3].map(() => admin.post(`/admin/awards/${id}/award`, {}, csrf)));
      for (const r of results) expect(r.statusCode).toBe(303);
      const awards = await t.database.db.selectFrom('awards').selectAll().where('trainee_id', '=', id).execute();
      expect(awards).toHaveLength(1);
      trn = awards[0]!.trn;
      expect(trn).toMatch(/^[1-9]\d{6}$/);
      expect(awards[0]!.route).toBe('International Qualified Teacher Status');
      const page = $(await admin.get(`/admin/awards/${id}`));
      expect(page('.govuk-summary-list').text()).toContain(trn);
      const teacher = await outbox(t, 'iqts-awarded');
      expect(teacher).toHaveLength(1);
      expect(teacher[0]!.to_email).toBe(TEACHER);
      expect(JSON.parse(teacher[0]!.personalisation).trn).toBe(trn);
      expect((await outbox(t, 'iqts-awarded-provider')).length).toBeGreaterThan(0);
      const trainee = $(await provider.get(`/provider/trainees/${id}`));
      const link = trainee('a:contains("See the award and the teacher reference number")').attr('href')!;
      expect($(await provider.get(link))('.govuk-summary-list').text()).toContain(trn);
    });

    it('the public check finds the record with the TRN and date of birth, and one message for every miss', async () => {
      const visitor = new FormClient(t.app);
      const csrf = await visitor.csrf('/check-a-teachers-record');
      const check = (trnValue: string, day: string) =>
        visitor.post(
          '/check-a-teachers-record',
          { trn: trnValue, 'dateOfBirth-day': day, 'dateOfBirth-month': '6', 'dateOfBirth-year': '1992' },
          csrf,
        );
      const hit = await check(trn, '14');
      expect(hit.statusCode).toBe(200);
      const record = $(hit)('#record').text().replace(/\s+/g, ' ');
      expect(record).toContain('Sample Trainee Final Review');
      expect(record).toMatch(/Holds qualified teacher status \(QTS\) since \d+ \w+ \d{4}/);
      expect($(hit)('.govuk-summary-list').text()).toContain('International Qualified Teacher Status');
      expect($(hit)('#record').text() + $(hit)('.govuk-summary-list').text()).not.toContain('1992');
      const wrongTrn = await check(trn === '1234567' ? '7654321' : '1234567', '14');
      const wrongDob = await check(trn, '15');
      for (const miss of [wrongTrn, wrongDob]) {
        expect(miss.statusCode).toBe(200);
        expect($(miss)('#record h2').text()).toBe('No record found');
      }
      expect(Math.abs(wrongTrn.body.length - wrongDob.body.length)).toBeLessThan(16);
      const bad = await check('12ab', '14');
      expect(bad.statusCode).toBe(400);
      expect($(bad)('.govuk-error-summary').text()).toContain('must be 7 digits');
    });

    it('the teacher sees the award and downloads the certificate; the verify link shows the same facts', async () => {
      const teacher = await signInAs(t, TEACHER);
      const training = $(await teacher.get('/training'));
      expect(training('a[href="/award"]').text()).toContain('See your award, your certificate and what to do next');
      const page = $(await teacher.get('/award'));
      expect(page('.govuk-panel').text()).toContain(trn);
      expect(page('main').text()).toContain('2-year period of mentoring, training and induction');
      const pdf = await teacher.get('/award/certificate.pdf');
      expect(pdf.statusCode).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
      const link = page('a[href*="/verify/"]').attr('href')!;
      const verify = await new FormClient(t.app).get(new URL(link).pathname);
      expect(verify.statusCode).toBe(200);
      expect($(verify)('#record').text()).toContain('Sample Trainee Final Review');
      expect((await new FormClient(t.app).get('/verify/AAAAAAAAAAAAAAAAAAAAAA')).statusCode).toBe(404);
      // Another person's award is not theirs to see.
      const other = await signInAs(t, 'sample.trainee1@example.com');
      expect((await other.get('/award')).statusCode).toBe(404);
      expect((await other.get('/award/certificate.pdf')).statusCode).toBe(404);
    });

    it('returns a recommendation with a reason; the provider is told', async () => {
      const id = ids['Sample Trainee Recommended']!;
      const csrf = await admin.csrf(`/admin/awards/${id}`);
      const empty = await admin.post(`/admin/awards/${id}/return`, { reason: ' ' }, csrf);
      expect(empty.statusCode).toBe(400);
      expect($(empty)('.govuk-error-summary').text()).toContain('Enter the reason');
      const res = await admin.post(`/admin/awards/${id}/return`, { reason: 'The outcome date needs checking' }, csrf);
      expect(res.statusCode).toBe(303);
      const row = await t.database.db
        .selectFrom('trainees')
        .select('state')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(row.state).toBe('in-training');
      const told = await outbox(t, 'returned-to-training-provider');
      expect(JSON.parse(told[0]!.personalisation).reason).toBe('The outcome date needs checking');
    });

    it('revokes with a reason: the check then says the record is no longer valid; teacher and provider are told', async () => {
      const id = ids['Sample Trainee Final Review']!;
      const csrf = await admin.csrf(`/admin/awards/${id}`);
      const res = await admin.post(`/admin/awards/${id}/revoke`, { reason: 'Sample: awarded in error' }, csrf);
      expect(res.statusCode).toBe(303);
      const visitor = new FormClient(t.app);
      const check = await visitor.post(
        '/check-a-teachers-record',
        { trn, 'dateOfBirth-day': '14', 'dateOfBirth-month': '6', 'dateOfBirth-year': '1992' },
        await visitor.csrf('/check-a-teachers-record'),
      );
      expect($(check)('#record').text()).toContain('is no longer valid');
      // A revoked record with a wrong date of birth is a miss like any other: same status, same page.
      const miss = await visitor.post(
        '/check-a-teachers-record',
        { trn, 'dateOfBirth-day': '15', 'dateOfBirth-month': '6', 'dateOfBirth-year': '1992' },
        await visitor.csrf('/check-a-teachers-record'),
      );
      expect(miss.statusCode).toBe(200);
      expect($(miss)('#record h2').text()).toBe('No record found');
      expect((await outbox(t, 'award-revoked')).map((e) => e.to_email)).toEqual([TEACHER]);
      expect((await outbox(t, 'award-revoked-provider')).length).toBeGreaterThan(0);
    });

    it('limits checks per address, with a clear 429 page', async () => {
      const visitor = new FormClient(t.app);
      const csrf = await visitor.csrf('/check-a-teachers-record');
      await t.database.db.deleteFrom('check_rate_limits').execute();
      let last;
      for (let i = 0; i < 31; i++)
        last = await visitor.post(
          '/check-a-teachers-record',
          { trn: '1234567', 'dateOfBirth-day': '1', 'dateOfBirth-month': '1', 'dateOfBirth-year': '1990' },
          csrf,
        );
      expect(last!.statusCode).toBe(429);
      expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
      expect($(last!)('h1').text()).toBe('You have checked too many records');
      await t.database.db.deleteFrom('check_rate_limits').execute();
    });
  });
}
