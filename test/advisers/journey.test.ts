import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_NAMES } from '../../src/shared/local-dates.ts';
import { $, FormClient, startTestApp, type TestApp } from '../helpers/app.ts';
import { signIn } from '../helpers/accounts.ts';
import { engines } from '../helpers/databases.ts';
import { addAdviserWithHours, signedInAdmin, signUp } from './helpers.ts';

/**
 * Talk to an adviser, through the pages: a DfE admin adds advisers, an adviser sets hours
 * in UK time, a candidate in Kathmandu signs up and books a call shown in both zones, the
 * adviser takes them from the queue, records the call and hands over; nobody else sees them.
 */
const EVERY_DAY = DAY_NAMES.map((_, i) => ({ weekday: String(i + 1), startTime: '09:00', endTime: '12:00' }));
const BOTH_ZONES =
  /^\d{1,2}:\d{2}(am|pm) (British Summer Time \(UTC\+1\)|Greenwich Mean Time \(UTC\))( on .+)? — \d{1,2}:\d{2}(am|pm) Nepal Time \(UTC\+5:45\)$/;

for (const engine of engines) {
  describe.skipIf(engine.skip)(`talk to an adviser (${engine.name})`, () => {
    let t: TestApp;
    const admin = () => new FormClient(t.app);
    let dfe: FormClient;
    let asha: FormClient;
    let ben: FormClient;
    let candidate: FormClient;

    beforeAll(async () => {
      t = await startTestApp({ engine: engine.name });
      dfe = await signedInAdmin(t.database.db, admin());
      asha = new FormClient(t.app);
      ben = new FormClient(t.app);
      await addAdviserWithHours(
        dfe,
        asha,
        t.database.db,
        { name: 'Asha Adviser', email: 'asha.adviser@example.org' },
        EVERY_DAY,
      );
      await addAdviserWithHours(dfe, ben, t.database.db, { name: 'Ben Adviser', email: 'ben.adviser@example.org' }, []);
      candidate = new FormClient(t.app);
    }, 60_000);
    afterAll(async () => t?.close());

    it('a DfE admin adds advisers; a bad or taken address is refused with a message, nothing added', async () => {
      const page = await dfe.get('/admin/advisers');
      expect($(page)('table').text()).toContain('asha.adviser@example.org');
      const csrf = await dfe.csrf('/admin/advisers');
      for (const form of [
        { name: '', email: 'x@example.org' },
        { name: 'X', email: 'not an email' },
        { name: 'X'.repeat(201), email: 'x@example.org' },
      ]) {
        const res = await dfe.post('/admin/advisers', form, csrf);
        expect(res.statusCode).toBe(400);
        expect($(res)('title').text()).toMatch(/^Error: /);
      }
      const again = await dfe.post('/admin/advisers', { name: 'Asha', email: 'asha.adviser@example.org' }, csrf);
      expect(again.statusCode).toBe(400);
      expect($(again)('.govuk-error-summary').text()).toContain('already an adviser');
      await signIn(new FormClient(t.app), t.database.db, 'someone.candidate@example.org');
      const taken = await dfe.post('/admin/advisers', { name: 'C', email: 'someone.candidate@example.org' }, csrf);
      expect(taken.statusCode).toBe(400);
      const roles = await t.database.db
        .selectFrom('users')
        .select('role')
        .where('email', '=', 'someone.candidate@example.org')
        .executeTakeFirstOrThrow();
      expect(roles.role).toBe('candidate');
      const outbox = await t.database.db
        .selectFrom('outbox')
        .select('subject')
        .where('to_email', '=', 'asha.adviser@example.org')
        .where('template', '=', 'adviser-added')
        .execute();
      expect(outbox).toHaveLength(1);
    });

    it('the iQTS page’s promo leads to the advisers page, whose start button starts the questions', async () => {
      const iqts = await candidate.get('/non-uk-teachers/international-qualified-teacher-status');
      const promo = $(iqts)('.app-promo a[href="/non-uk-teachers/teacher-training-advisers"]');
      expect(promo.text()).toBe('Talk to a teacher training adviser');
      const page = await candidate.get('/non-uk-teachers/teacher-training-advisers');
      expect(page.statusCode).toBe(200);
      expect($(page)('main').text()).toContain('statement of comparability');
      expect($(page)('a.govuk-button--start').attr('href')).toBe('/advisers/sign-up/name');
      const first = await candidate.get('/advisers/sign-up/name');
      expect($(first)('h1').text()).toContain('What is your name?');
    });

    it('questions answered out of order go back to the first unanswered; bad answers are 400 with the GOV.UK summary', async () => {
      const c = new FormClient(t.app);
      const skip = await c.get('/advisers/sign-up/phone');
      expect(skip.statusCode).toBe(303);
      expect(skip.headers.location).toBe('/advisers/sign-up/name');
      const csrf = await c.csrf('/advisers/sign-up/name');
      for (const name of ['', '   ', 'x'.repeat(201)]) {
        const res = await c.post('/advisers/sign-up/name', { name }, csrf);
        expect(res.statusCode).toBe(400);
        expect($(res)('.govuk-error-summary a').attr('href')).toBe('#name');
      }
      const weird = await c.post('/advisers/sign-up/name', { name: ['a', 'b'] }, csrf);
      expect(weird.statusCode).toBe(400);
      // Signing up asks for the email and checks it with a code.
      expect((await c.post('/advisers/sign-up/name', { name: 'Sita' }, csrf)).headers.location).toBe(
        '/advisers/sign-up/email',
      );
      const badEmail = await c.post('/advisers/sign-up/email', { email: 'nope' }, csrf);
      expect(badEmail.statusCode).toBe(400);
      await c.post('/advisers/sign-up/email', { email: 'sita.two@example.org' }, csrf);
      const wrong = await c.post(
        '/advisers/sign-up/email/code',
        { code: '000000' },
        await c.csrf('/advisers/sign-up/email/code'),
      );
      expect(wrong.statusCode).toBe(400);
      expect($(wrong)('.govuk-error-message').text()).toMatch(/security code/);
    });

    it('a candidate in Kathmandu signs up: the zone is proposed, the phone stored as E.164, slots shown in both zones', async () => {
      const { proposed } = await signUp(candidate, t.database.db, 'sita@example.org');
      expect(proposed).toBe('Asia/Kathmandu');
      const row = await t.database.db.selectFrom('adviser_requests').selectAll().executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        phone: '+97714412345',
        time_zone: 'Asia/Kathmandu',
        country: 'NP',
        stage: 'exploring',
      });
      const page = await candidate.get('/advisers/call');
      expect(page.statusCode).toBe(200);
      const labels = $(page)('.govuk-radios__label')
        .map((_, el) => $(page)(el).text().trim())
        .get();
      expect(labels.length).toBeGreaterThan(10);
      for (const label of labels) expect(label).toMatch(BOTH_ZONES);
      expect(labels[0]!).toMatch(/^9:00am/);
    });

    it('a phone number that is not real is refused; a hostile one too, never a 500', async () => {
      const c = new FormClient(t.app);
      await signIn(c, t.database.db, 'sita.three@example.org');
      const csrf = await c.csrf('/advisers/sign-up/name');
      await c.post('/advisers/sign-up/name', { name: 'Sita' }, csrf);
      await c.post('/advisers/sign-up/country', { country: 'NP', town: '' }, csrf);
      const tz = await c.post('/advisers/sign-up/time-zone', { timeZone: 'Mars/Olympus_Mons' }, csrf);
      expect(tz.statusCode).toBe(400);
      await c.post('/advisers/sign-up/time-zone', { timeZone: 'Asia/Kathmandu' }, csrf);
      for (const phone of ['12', 'call me', '<script>alert(1)</script>', '+44 ' + '9'.repeat(60), '']) {
        const res = await c.post('/advisers/sign-up/phone', { phone }, csrf);
        expect(res.statusCode, phone).toBe(400);
      }
      const uk = await c.post('/advisers/sign-up/country', { country: 'GB', town: '' }, csrf);
      expect(uk.statusCode).toBe(400);
      const nowhere = await c.post('/advisers/sign-up/country', { country: 'ZZ' }, csrf);
      expect(nowhere.statusCode).toBe(400);
    });

    it('booking emails the time in both zones with a calendar file; the account shows the next call and the adviser', async () => {
      const page = await candidate.get('/advisers/call');
      const first = $(page)('input[name="slot"]').first();
      const label = $(page)(`label[for="${first.attr('id')}"]`)
        .text()
        .trim();
      const res = await candidate.post(
        '/advisers/call',
        { slot: first.attr('value')! },
        await candidate.csrf('/advisers/call'),
      );
      expect(res.statusCode).toBe(303);
      const account = await candidate.get('/advisers/your-adviser');
      expect($(account)('.govuk-panel__title').text()).toContain('Your call is booked');
      const when = $(account)('#next-call').text();
      expect(when).toContain(label.split(' — ')[1]!);
      const email = await t.database.db
        .selectFrom('outbox')
        .select(['body', 'attachments'])
        .where('template', '=', 'adviser-call-booked')
        .executeTakeFirstOrThrow();
      expect(email.body).toContain('Nepal Time (UTC+5:45)');
      expect(email.body).toContain('/advisers/your-adviser/call.ics');
      const [file] = JSON.parse(email.attachments!) as { filename: string; contentType: string; content: string }[];
      expect(file!.contentType).toBe('text/calendar');
      expect(file!.content).toMatch(/DTSTART:\d{8}T\d{6}Z/);
      const ics = await candidate.get('/advisers/your-adviser/call.ics');
      expect(ics.headers['content-type']).toContain('text/calendar');
      expect(ics.body).toContain('BEGIN:VEVENT');
    });

    it('the booked slot is no longer offered; someone choosing it is told so and offered the next free ones', async () => {
      const other = new FormClient(t.app);
      await signUp(other, t.database.db, 'other@example.org');
      const call = await t.database.db
        .selectFrom('adviser_callbacks')
        .selectAll()
        .where('status', '=', 'booked')
        .executeTakeFirstOrThrow();
      const value = `${call.adviser_id}_${call.starts_at}`;
      const page = await other.get('/advisers/call');
      expect($(page)(`input[value="${value}"]`).length).toBe(0);
      const res = await other.post('/advisers/call', { slot: value }, await other.csrf('/advisers/call'));
      expect(res.statusCode).toBe(409);
      expect($(res)('.govuk-notification-banner').text()).toContain('Someone else booked');
      expect($(res)('input[name="slot"]').length).toBeGreaterThan(5);
      for (const slot of [
        '',
        'x',
        '1_2020-01-01T00:00:00.000Z',
        '99999_' + call.starts_at,
        ['a', 'b'],
        '1'.repeat(5000),
      ]) {
        const bad = await other.post('/advisers/call', { slot }, await other.csrf('/advisers/call'));
        expect(bad.statusCode, String(slot).slice(0, 40)).toBe(400);
        expect($(bad)('.govuk-error-summary').text()).toContain('Select a time');
      }
      const emailOnly = await other.post('/advisers/call/email-only', {}, await other.csrf('/advisers/call'));
      expect(emailOnly.statusCode).toBe(303);
      expect($(await other.get('/advisers/your-adviser'))('main').text()).toContain('by email only');
    });

    it('the adviser’s queue filters in the URL; taking a candidate shows their notes to them and nobody else', async () => {
      const queue = await asha.get('/adviser/queue?country=NP&stage=exploring&zone=Asia/Kathmandu');
      expect(queue.statusCode).toBe(200);
      expect($(queue)('tbody tr').length).toBe(2);
      expect(await asha.get('/adviser/queue?country=FR')).toSatisfy(
        (r: { body: string }) => $({ body: r.body } as never)('tbody tr').length === 0,
      );
      for (const q of ['?page=0', '?page=abc', '?country=<b>', '?zone=../../etc', '?stage[]=x', '?page=999999']) {
        expect((await asha.get(`/adviser/queue${q}`)).statusCode, q).toBe(200);
      }
      // A NUL byte is refused by the service's input guard before any page sees it.
      expect((await asha.get('/adviser/queue?country=%00')).statusCode).toBe(400);
      const request = await t.database.db
        .selectFrom('adviser_requests')
        .select('id')
        .where('email', '=', 'sita@example.org')
        .executeTakeFirstOrThrow();
      const view = `/adviser/requests/${request.id}`;
      const before = await asha.get(view);
      expect($(before)('#call-time').text()).toMatch(BOTH_ZONES);
      expect($(before)('main').text()).not.toContain('Record a call');
      const csrf = await asha.csrf(view);
      expect((await asha.post(`${view}/take`, {}, csrf)).statusCode).toBe(303);
      // Ben cannot take or see Asha's candidate now.
      const benCsrf = await ben.csrf('/adviser/hours');
      expect((await ben.get(view)).statusCode).toBe(404);
      expect((await ben.post(`${view}/take`, {}, benCsrf)).statusCode).toBe(404);
      expect((await ben.post(`${view}/notes`, { outcome: 'supported', note: 'x' }, benCsrf)).statusCode).toBe(404);
      // Notes: bad input refused; then recorded, with a follow-up date.
      const bad = await asha.post(`${view}/notes`, { outcome: 'maybe', note: '' }, csrf);
      expect(bad.statusCode).toBe(400);
      const badDate = await asha.post(
        `${view}/notes`,
        { outcome: 'supported', note: 'x', 'followUp-day': '31', 'followUp-month': '2', 'followUp-year': '2030' },
        csrf,
      );
      expect(badDate.statusCode).toBe(400);
      const saved = await asha.post(
        `${view}/notes`,
        {
          outcome: 'supported',
          note: 'Talked through eligibility and UK ENIC.',
          'followUp-day': '1',
          'followUp-month': '6',
          'followUp-year': '2030',
        },
        csrf,
      );
      expect(saved.statusCode).toBe(303);
      const after = await asha.get(view);
      expect($(after)('main').text()).toContain('Talked through eligibility and UK ENIC.');
      expect($(after)('main').text()).toContain('1 June 2030');
      // Shared with consent: the eligibility section says so.
      expect($(after)('main').text()).toContain('has not applied on this service');
      const home = await asha.get('/adviser');
      expect($(home)('table').text()).toContain('Sita Sharma');
      // The candidate sees their adviser and can email them.
      const account = await candidate.get('/advisers/your-adviser');
      expect($(account)('a[href="mailto:asha.adviser@example.org"]').length).toBe(1);
      const audit = await t.database.db
        .selectFrom('audit_events')
        .select('action')
        .where('action', 'like', 'adviser-%')
        .execute();
      expect(audit.map((a) => a.action)).toEqual(
        expect.arrayContaining(['adviser-request', 'adviser-call-booked', 'adviser-take', 'adviser-record-call']),
      );
    });

    it('withdrawing consent hides the shared answers from the adviser', async () => {
      const res = await candidate.post(
        '/advisers/your-adviser/sharing',
        { shareConsent: 'no' },
        await candidate.csrf('/advisers/your-adviser'),
      );
      expect(res.statusCode).toBe(303);
      const request = await t.database.db
        .selectFrom('adviser_requests')
        .select('id')
        .where('email', '=', 'sita@example.org')
        .executeTakeFirstOrThrow();
      const page = await asha.get(`/adviser/requests/${request.id}`);
      expect($(page)('main').text()).toContain('has not agreed to share');
      const bad = await candidate.post(
        '/advisers/your-adviser/sharing',
        { shareConsent: 'maybe' },
        await candidate.csrf('/advisers/your-adviser'),
      );
      expect(bad.statusCode).toBe(400);
    });

    it('handing over moves the candidate to a colleague; the first adviser then gets 404', async () => {
      const request = await t.database.db
        .selectFrom('adviser_requests')
        .select('id')
        .where('email', '=', 'sita@example.org')
        .executeTakeFirstOrThrow();
      const view = `/adviser/requests/${request.id}`;
      const csrf = await asha.csrf(view);
      const noColleague = await asha.post(`${view}/hand-over`, { colleagueId: 'abc' }, csrf);
      expect(noColleague.statusCode).toBe(400);
      expect($(noColleague)('.govuk-error-summary').text()).toContain('Select a colleague');
      const ben_ = await t.database.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'ben.adviser@example.org')
        .executeTakeFirstOrThrow();
      expect((await asha.post(`${view}/hand-over`, { colleagueId: String(ben_.id) }, csrf)).statusCode).toBe(303);
      expect((await asha.get(view)).statusCode).toBe(404);
      const benView = await ben.get(view);
      expect(benView.statusCode).toBe(200);
      expect($(benView)('main').text()).toContain('Talked through eligibility');
    });

    it('the candidate moves, then cancels, their call', async () => {
      const page = await candidate.get('/advisers/call');
      expect($(page)('h1').text()).toContain('Choose a new time');
      const second = $(page)('input[name="slot"]').eq(1).attr('value')!;
      expect(
        (await candidate.post('/advisers/call', { slot: second }, await candidate.csrf('/advisers/call'))).statusCode,
      ).toBe(303);
      const calls = await t.database.db
        .selectFrom('adviser_callbacks')
        .select(['status'])
        .innerJoin('adviser_requests as r', 'r.id', 'adviser_callbacks.request_id')
        .where('r.email', '=', 'sita@example.org')
        .execute();
      expect(calls.map((c) => c.status).sort()).toEqual(['booked', 'moved']);
      const cancel = await candidate.post(
        '/advisers/your-adviser/cancel',
        {},
        await candidate.csrf('/advisers/your-adviser'),
      );
      expect(cancel.statusCode).toBe(303);
      expect($(await candidate.get('/advisers/your-adviser'))('main').text()).toContain('You have no call booked');
      expect((await candidate.get('/advisers/your-adviser/call.ics')).statusCode).toBe(404);
    });

    it('advisers’ hours: bad input is refused; a day off removes that day’s slots', async () => {
      const csrf = await asha.csrf('/adviser/hours');
      for (const form of [
        { weekday: '8', startTime: '09:00', endTime: '10:00', slotMinutes: '30' },
        { weekday: '1', startTime: '25:00', endTime: '10:00', slotMinutes: '30' },
        { weekday: '1', startTime: '11:00', endTime: '10:00', slotMinutes: '30' },
        { weekday: '1', startTime: '09:00', endTime: '10:00', slotMinutes: '7' },
        { weekday: '1', startTime: '10:00', endTime: '11:00', slotMinutes: '30' },
      ]) {
        const res = await asha.post('/adviser/hours', form, csrf);
        expect(res.statusCode, JSON.stringify(form)).toBe(400);
      }
      const off = await asha.post(
        '/adviser/days-off',
        { 'day-day': '31', 'day-month': '12', 'day-year': '2099' },
        csrf,
      );
      expect(off.statusCode).toBe(303);
      const past = await asha.post('/adviser/days-off', { 'day-day': '1', 'day-month': '1', 'day-year': '2000' }, csrf);
      expect(past.statusCode).toBe(400);
    });

    it('eligibility answers given before signing up reach the adviser only with consent; taking a request twice is refused', async () => {
      const shown: Record<string, string> = {};
      for (const share of ['yes', 'no'] as const) {
        const c = new FormClient(t.app);
        const csrf = await c.csrf('/eligibility/where-you-live');
        const answered = await c.post(
          '/eligibility/where-you-live',
          { 'where-you-live': 'outside-england', country: 'NP' },
          csrf,
        );
        expect(answered.statusCode).toBe(303);
        const email = `eligible-${share}@example.org`;
        await signUp(c, t.database.db, email, { share });
        const request = await t.database.db
          .selectFrom('adviser_requests')
          .select('id')
          .where('email', '=', email)
          .executeTakeFirstOrThrow();
        const view = `/adviser/requests/${request.id}`;
        const csrfA = await asha.csrf(view);
        expect((await asha.post(`${view}/take`, {}, csrfA)).statusCode).toBe(303);
        const again = await asha.post(`${view}/take`, {}, csrfA);
        expect(again.statusCode).toBe(400);
        expect($(again)('.govuk-error-summary').text()).toContain('already taken');
        shown[share] = $(await asha.get(view))('main').text();
      }
      expect(shown['yes']).toContain('Where you live');
      expect(shown['yes']).toContain('Outside England');
      expect(shown['no']).not.toContain('Outside England');
      expect(shown['no']).toContain('has not agreed to share');
    });

    it('signed in again later, the candidate finds their adviser from their account and changes their answers', async () => {
      const again = new FormClient(t.app);
      await signIn(again, t.database.db, 'sita@example.org');
      const home = await again.get('/application');
      expect($(home)('a[href="/advisers/your-adviser"]').length).toBe(1);
      const check = await again.get('/advisers/sign-up/check');
      expect(check.statusCode).toBe(200);
      expect($(check)('.govuk-summary-list').text()).toContain('Sita Sharma');
      expect($(check)('.govuk-summary-list').text()).toContain('+977 1 4412345');
      const changed = await again.post(
        '/advisers/sign-up/stage',
        { stage: 'ready-to-apply' },
        await again.csrf('/advisers/sign-up/stage'),
      );
      expect(changed.headers.location).toBe('/advisers/sign-up/check');
      await again.post('/advisers/sign-up/check', {}, await again.csrf('/advisers/sign-up/check'));
      const row = await t.database.db
        .selectFrom('adviser_requests')
        .select(['stage'])
        .where('email', '=', 'sita@example.org')
        .executeTakeFirstOrThrow();
      expect(row.stage).toBe('ready-to-apply');
      expect(
        await t.database.db
          .selectFrom('adviser_requests')
          .select('id')
          .where('email', '=', 'sita@example.org')
          .execute(),
      ).toHaveLength(1);
    });

    it('other roles never reach adviser pages; candidates’ adviser pages need sign-in', async () => {
      for (const url of ['/adviser', '/adviser/queue', '/adviser/hours', '/admin/advisers']) {
        expect((await candidate.get(url)).statusCode, url).toBe(404);
      }
      expect((await asha.get('/admin/advisers')).statusCode).toBe(404);
      expect((await asha.get('/advisers/your-adviser')).statusCode).toBe(404);
      const anonymous = new FormClient(t.app);
      expect((await anonymous.get('/advisers/your-adviser')).headers.location).toBe('/sign-in');
      expect((await anonymous.get('/adviser')).headers.location).toBe('/provider/sign-in');
    });
  });
}
