import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { SECTIONS } from '../../src/features/applications/sections.ts';
import { signIn } from '../helpers/accounts.ts';
import { completeApplication } from '../helpers/applications.ts';
import { $, FormClient, startTestApp, type TestApp } from '../helpers/app.ts';
import { engines } from '../helpers/databases.ts';

const HOSTILE: Record<string, string | string[]>[] = [
  {},
  { x: ['a', 'b'] },
  { 'given-name': ['a', 'b'], country: ['NG', 'GH'], phase: ['primary', 'x'] },
  {
    'given-name': '<script>alert(1)</script>',
    town: "'; drop table applications; --",
    country: 'ZZ',
    statement: 'x '.repeat(5000),
  },
  { 'date-of-birth-day': '99', 'date-of-birth-month': '-1', 'date-of-birth-year': '1e4', phone: '☎'.repeat(300) },
];

for (const engine of engines) {
  describe.skipIf(engine.skip)(`provider users, and hostile input on the application pages (${engine.name})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ engine: engine.name });
      await seedSampleData(t.database.db, 0);
    }, 60_000);
    afterAll(async () => t?.close());

    it('a DfE admin adds a provider’s first user, who is emailed and can sign in to that provider only', async () => {
      const admin = new FormClient(t.app);
      expect(await signIn(admin, t.database.db, 'sample.admin@example.com')).toBe('/admin');
      const csrf = await admin.csrf('/admin');
      const provider = await t.database.db
        .selectFrom('providers')
        .select(['id', 'name'])
        .where('slug', '=', 'university-of-derby')
        .executeTakeFirstOrThrow();
      const bad = await admin.post('/admin/provider-users', { email: 'nope', providerId: String(provider.id) }, csrf);
      expect($(bad)('.govuk-error-summary').text()).toContain('Enter an email address in the correct format');
      const taken = await admin.post(
        '/admin/provider-users',
        { email: 'sample.candidate@example.com', providerId: String(provider.id) },
        csrf,
      );
      expect($(taken)('.govuk-error-summary').text()).toContain('belongs to a candidate or an administrator');
      expect(
        (
          await admin.post(
            '/admin/provider-users',
            {
              email: 'Admissions@Derby.example',
              providerId: String(provider.id),
              permissions: ['make-decisions', 'manage-users'],
            },
            csrf,
          )
        ).statusCode,
      ).toBe(303);
      const email = await t.database.db
        .selectFrom('outbox')
        .select(['subject'])
        .where('to_email', '=', 'admissions@derby.example')
        .where('template', '=', 'provider-user-added')
        .executeTakeFirstOrThrow();
      expect(email.subject).toBe(`You can now manage iQTS applications for ${provider.name}`);

      const newcomer = new FormClient(t.app);
      expect(await signIn(newcomer, t.database.db, 'admissions@derby.example')).toBe('/provider');
      const list = $(await newcomer.get('/provider'));
      expect(list('.govuk-caption-l').text()).toBe(provider.name);
      // With "manage users", they add a colleague, who is emailed too.
      const ucsrf = await newcomer.csrf('/provider/users');
      expect(
        (
          await newcomer.post(
            '/provider/users',
            { email: 'colleague@derby.example', providerId: String(provider.id) },
            ucsrf,
          )
        ).statusCode,
      ).toBe(303);
      expect($(await newcomer.get('/provider/users'))('table').text()).toContain('colleague@derby.example');
      // A provider they do not manage is refused with a message, and nothing is added.
      const other = await t.database.db
        .selectFrom('providers')
        .select('id')
        .where('slug', '=', 'university-of-warwick')
        .executeTakeFirstOrThrow();
      const refused = await newcomer.post(
        '/provider/users',
        { email: 'spy@derby.example', providerId: String(other.id) },
        ucsrf,
      );
      expect($(refused)('.govuk-error-summary').text()).toContain('Choose a provider from the list');
      expect(
        await t.database.db.selectFrom('users').select('id').where('email', '=', 'spy@derby.example').execute(),
      ).toEqual([]);
      // The colleague without "manage users" is refused the users page, and told why.
      const colleague = new FormClient(t.app);
      await signIn(colleague, t.database.db, 'colleague@derby.example');
      expect((await colleague.get('/provider/users')).statusCode).toBe(403);
    });

    it('every application form answers arrays, scripts, SQL and huge values with a message or a redirect, never a 500, and stores only what passes its checks, exactly as typed', async () => {
      const client = new FormClient(t.app);
      await signIn(client, t.database.db, 'hostile@example.org');
      const csrf = await client.csrf('/application/personal-details');
      let posts = 0;
      for (const section of SECTIONS) {
        for (const form of HOSTILE) {
          const res = await client.post(`/application/${section.id}`, form, csrf);
          posts++;
          expect(res.statusCode, `${section.id} ${JSON.stringify(form).slice(0, 60)}`).toBeLessThan(500);
          expect(res.body).not.toContain('<script>alert(1)</script>');
        }
      }
      for (const form of HOSTILE) {
        for (const url of [
          '/application/provider',
          '/application/submit',
          '/sign-in/code',
          '/applications/IQTS-0000000/withdraw',
          '/applications/%3Cx%3E/accept-offer',
        ]) {
          const res = await client.post(url, form, csrf);
          posts++;
          expect(res.statusCode, url).toBeLessThan(500);
        }
      }
      expect(posts).toBeGreaterThan(60);
      // None of the refused forms was saved…
      const draft = () =>
        t.database.db
          .selectFrom('applications as a')
          .innerJoin('users as u', 'u.id', 'a.candidate_id')
          .select(['a.answers', 'a.status'])
          .where('u.email', '=', 'hostile@example.org')
          .executeTakeFirstOrThrow();
      expect((await draft()).status).toBe('draft');
      expect((await draft()).answers).not.toContain('<script>');
      // …and a form that passes its checks while carrying hostile text is stored exactly as typed,
      // and shown escaped wherever it appears.
      const hostileName = `<script>alert(1)</script> O'Brien; DROP TABLE users;--`;
      const saved = await client.post(
        '/application/personal-details',
        {
          'given-name': hostileName,
          'family-name': '"><img src=x onerror=alert(1)>',
          'date-of-birth-day': '1',
          'date-of-birth-month': '2',
          'date-of-birth-year': '1990',
        },
        csrf,
      );
      expect(saved.statusCode).toBe(303);
      const answers = JSON.parse((await draft()).answers) as Record<string, Record<string, string>>;
      expect(answers['personal-details']?.['given-name']).toBe(hostileName);
      expect(answers['personal-details']?.['family-name']).toBe('"><img src=x onerror=alert(1)>');
      const check = await client.get('/application/check');
      expect(check.body).not.toContain('<script>alert(1)</script>');
      expect(check.body).not.toContain('<img src=x');
      expect($(check)('main').text()).toContain(hostileName);
      expect(
        await t.database.db.selectFrom('users').select('id').where('email', '=', 'hostile@example.org').execute(),
      ).toHaveLength(1);
    });

    it('provider decision forms refuse tampered values with a message and change nothing', async () => {
      const candidate = new FormClient(t.app);
      await signIn(candidate, t.database.db, 'tamper@example.org');
      await completeApplication(candidate);
      await candidate.post('/application/submit', {}, await candidate.csrf('/application/check'));
      const app = await t.database.db
        .selectFrom('applications as a')
        .innerJoin('users as u', 'u.id', 'a.candidate_id')
        .select(['a.reference', 'a.id'])
        .where('u.email', '=', 'tamper@example.org')
        .executeTakeFirstOrThrow();
      const provider = new FormClient(t.app);
      await signIn(provider, t.database.db, 'sample.provider1@example.com');
      const view = `/provider/applications/${app.reference}`;
      const csrf = await provider.csrf(view);
      const cases: [string, Record<string, string | string[]>, string][] = [
        ['make-offer', { conditions: ['placement-school-confirmed', 'free-car'] }, 'Select conditions from the list'],
        ['make-offer', { otherCondition: 'x'.repeat(301) }, 'Other condition must be 300 characters or fewer'],
        ['reject', { reasons: ['<script>'], feedback: 'x' }, 'Select at least one reason from the list'],
        ['reject', { reasons: 'other', feedback: '' }, 'Enter feedback for the candidate'],
        ['propose-school', { schoolId: '1 or 1=1' }, 'Choose one of your partner schools'],
      ];
      for (const [action, form, message] of cases) {
        const res = await provider.post(`${view}/${action}`, form, csrf);
        expect(res.statusCode, action).toBe(400);
        expect($(res)('.govuk-error-summary').text(), action).toContain(message);
      }
      expect((await provider.post(`${view}/fly-to-the-moon`, {}, csrf)).statusCode).toBe(404);
      const after = await t.database.db
        .selectFrom('applications')
        .select(['status', 'placement_school_id'])
        .where('id', '=', app.id)
        .executeTakeFirstOrThrow();
      expect(after).toEqual({ status: 'awaiting-decision', placement_school_id: null });
      for (const q of ['status=nope', 'country=<b>', 'phase=x', 'page=-3', 'sort=drop'])
        expect((await provider.get(`/provider?${q}`)).statusCode, q).toBe(400);
      expect((await provider.get('/provider/applications.csv?status=nope')).statusCode).toBe(400);
    });
  });
}
