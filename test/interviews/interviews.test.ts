import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { signIn } from '../helpers/accounts.ts';
import { completeApplication, LAGOS_CANDIDATE } from '../helpers/applications.ts';
import { $, FormClient, startTestApp, type TestApp } from '../helpers/app.ts';
import { engines } from '../helpers/databases.ts';
import { nextLastSunday, nextMarch16, weekdayOf } from './dates.ts';

/**
 * Interviews between a candidate in Auckland and a provider in London: the times each
 * reads, the steps each may take, the refusals, the calendar files, who may see what, and
 * the one-of rules under 50 concurrent requests.
 */
const AUCKLAND = { ...LAGOS_CANDIDATE, 'where-you-live': { country: 'NZ', town: 'Auckland' } };
const PROVIDER = 'sample.provider1@example.com';
const OTHER_PROVIDER = 'sample.provider2@example.com';

/** The slot form, filled for one time on a date (YYYY-MM-DD) at a wall-clock time. */
const slot = (date: string, time: string, extra: Record<string, string> = {}) => {
  const [y, m, d] = date.split('-');
  return {
    zone: 'Europe/London',
    'slot1-day': String(Number(d)),
    'slot1-month': String(Number(m)),
    'slot1-year': y!,
    'slot1-time': time,
    duration: '45',
    mode: 'online',
    link: 'https://meet.example.org/iqts-interview',
    notes: 'You will meet two tutors.',
    ...extra,
  };
};

const errorsOf = (res: { body: string }) => {
  const page = $(res as never);
  return page('.govuk-error-summary li')
    .map((_, li) => page(li).text().trim())
    .get();
};

for (const engine of engines) {
  describe.skipIf(engine.skip)(`interviews across time zones (${engine.name})`, () => {
    let t: TestApp;
    let serial = 0;
    let provider: FormClient;
    /** Many sign-ins from one test address: the per-address limit on codes is not what is tested here. */
    const freshCodes = () => t.database.db.deleteFrom('sign_in_codes').execute();

    beforeAll(async () => {
      t = await startTestApp({ engine: engine.name, env: { LOG_LEVEL: 'error' } });
      await seedSampleData(t.database.db, 0);
      provider = new FormClient(t.app);
      await signIn(provider, t.database.db, PROVIDER);
    }, 60_000);
    afterAll(async () => t?.close());

    /** A submitted application from a new candidate; the provider's signed-in client. */
    async function applied(
      answers: Record<string, Record<string, string>> = AUCKLAND,
      providerSlug = 'sample-provider-worldwide-online',
    ) {
      serial++;
      const email = `interview${serial}@example.org`;
      const candidate = new FormClient(t.app);
      await freshCodes();
      await signIn(candidate, t.database.db, email);
      await completeApplication(candidate, answers, providerSlug);
      await candidate.post('/application/submit', {}, await candidate.csrf('/application/check'));
      const app = await t.database.db
        .selectFrom('applications as a')
        .innerJoin('users as u', 'u.id', 'a.candidate_id')
        .select(['a.reference', 'a.id'])
        .where('u.email', '=', email)
        .executeTakeFirstOrThrow();
      const invite = `/provider/applications/${app.reference}/invite-to-interview`;
      return { email, candidate, provider, reference: app.reference, applicationId: app.id, invite };
    }

    const interviewIdFrom = (location: unknown) => Number(/interviews\/(\d+)$/.exec(String(location))?.[1]);

    it('a London provider and an Auckland candidate agree a time; each reads it in their own zone, with a calendar file', async () => {
      const x = await applied();
      const date = nextMarch16();
      const day = weekdayOf(date);
      const [year] = date.split('-');
      const form = $(await x.provider.get(x.invite));
      // The provider's own zone is the default; the candidate's zone is named.
      expect(form('#zone option[selected]').attr('value')).toBe('Europe/London');
      expect(form('[data-testid="candidate-zone"]').text()).toMatch(/^Pacific\/Auckland – New Zealand/);
      const csrf = await x.provider.csrf(x.invite);
      const sent = await x.provider.post(
        x.invite,
        { ...slot(date, '8:00am'), 'slot2-day': '17', 'slot2-month': '3', 'slot2-year': year!, 'slot2-time': '20:30' },
        csrf,
      );
      expect(sent.statusCode, errorsOf(sent).join()).toBe(303);
      const id = interviewIdFrom(sent.headers.location);
      const providerPage = `/provider/applications/${x.reference}/interviews/${id}`;
      const offered = $(await x.provider.get(providerPage));
      expect(
        offered('[data-testid="times"] li')
          .map((_, li) => offered(li).text())
          .get(),
      ).toEqual([
        `${day} 16 March ${year} at 8:00am Greenwich Mean Time (UTC) (9:00pm New Zealand Daylight Time (UTC+13) for the candidate)`,
        `${weekdayOf(`${year}-03-17`)} 17 March ${year} at 8:30pm Greenwich Mean Time (UTC) (9:30am New Zealand Daylight Time (UTC+13) on ${weekdayOf(`${year}-03-18`)} 18 March ${year} for the candidate)`,
      ]);
      expect(await x.candidate.get(`/applications/${x.reference}`).then((r) => $(r)('main').text())).toContain(
        'Choose a time for your interview',
      );
      const invitation = await t.database.db
        .selectFrom('outbox')
        .select('body')
        .where('to_email', '=', x.email)
        .where('template', '=', 'interview-invited')
        .executeTakeFirstOrThrow();
      expect(invitation.body).toContain(`* ${day} 16 March ${year} at 9:00pm New Zealand Daylight Time (UTC+13)`);

      const candidatePage = `/applications/${x.reference}/interviews/${id}`;
      const choose = $(await x.candidate.get(candidatePage));
      const labels = choose('.govuk-radios__label')
        .map((_, l) => choose(l).text().trim())
        .get();
      expect(labels).toEqual([
        `${day} 16 March ${year} at 9:00pm New Zealand Daylight Time (UTC+13)`,
        `${weekdayOf(`${year}-03-18`)} 18 March ${year} at 9:30am New Zealand Daylight Time (UTC+13)`,
      ]);
      const first = choose('input[name="slot"]').first().attr('value')!;
      const version = choose('input[name="version"]').attr('value')!;
      const ccsrf = await x.candidate.csrf(candidatePage);
      const none = await x.candidate.post(`${candidatePage}/choose`, { version }, ccsrf);
      expect(none.statusCode).toBe(400);
      expect(errorsOf(none)).toEqual(['Choose one of the times offered']);
      const picked = await x.candidate.post(`${candidatePage}/choose`, { version, slot: first }, ccsrf);
      expect(picked.statusCode).toBe(303);

      const agreed = $(await x.candidate.get(candidatePage));
      expect(agreed('[data-testid="when"]').text()).toBe(
        `${day} 16 March ${year} at 9:00pm New Zealand Daylight Time (UTC+13)`,
      );
      expect(agreed('[data-testid="interview-status"]').text()).toBe('Agreed');
      const seen = $(await x.provider.get(providerPage));
      expect(seen('[data-testid="when"]').text()).toBe(
        `${day} 16 March ${year} at 8:00am Greenwich Mean Time (UTC) (9:00pm New Zealand Daylight Time (UTC+13) for the candidate)`,
      );

      // The calendar file, for each side, in UTC.
      const ics = await x.candidate.get(`${candidatePage}.ics`);
      expect(ics.statusCode).toBe(200);
      expect(ics.headers['content-type']).toContain('text/calendar');
      expect(ics.body).toContain(`DTSTART:${year}0316T080000Z`);
      expect(ics.body).toContain('DURATION:PT45M');
      expect((await x.provider.get(`${providerPage}.ics`)).body).toContain(`DTSTART:${year}0316T080000Z`);

      const emails = await t.database.db
        .selectFrom('outbox')
        .select(['to_email', 'template', 'body', 'attachments'])
        .where('template', 'like', 'interview-agreed%')
        .where('body', 'like', `%${x.reference}%`)
        .execute();
      const mine = emails.find((e) => e.to_email === x.email)!;
      expect(mine.template).toBe('interview-agreed-candidate');
      expect(mine.body).toContain(`${day} 16 March ${year} at 9:00pm New Zealand Daylight Time (UTC+13)`);
      expect(mine.body).toContain(`${candidatePage}.ics`);
      expect(JSON.parse(mine.attachments!)[0].content).toContain(`DTSTART:${year}0316T080000Z`);
      const theirs = emails.find((e) => e.to_email === PROVIDER)!;
      expect(theirs.template).toBe('interview-agreed-provider');
      expect(theirs.body).toContain('(9:00pm New Zealand Daylight Time (UTC+13) for the candidate)');

      const audit = await t.database.db
        .selectFrom('audit_events')
        .select('action')
        .where('application_id', '=', x.applicationId)
        .orderBy('id')
        .execute();
      expect(audit.map((a) => a.action)).toEqual(['submit', 'invite-to-interview', 'interview-choose']);
    });

    it('a time the clocks skip is refused; a time they show twice is asked about, then taken as chosen', async () => {
      const x = await applied();
      const csrf = await x.provider.csrf(x.invite);
      const spring = nextLastSunday(3);
      const skipped = await x.provider.post(x.invite, slot(spring, '1:30am'), csrf);
      expect(skipped.statusCode).toBe(400);
      expect(errorsOf(skipped)).toEqual([
        `The interview time: 1:30am does not happen on Sunday ${Number(spring.slice(8))} March ${spring.slice(0, 4)} in London time, because the clocks go forward. Enter a different time`,
      ]);
      const autumn = nextLastSunday(10);
      const twice = await x.provider.post(x.invite, slot(autumn, '1:30am'), csrf);
      expect(twice.statusCode).toBe(400);
      const page = $(twice);
      expect(errorsOf(twice)[0]).toContain('1:30am happens twice');
      expect(
        page('input[name="slot1-which"]')
          .map((_, r) =>
            page(`label[for="${page(r).attr('id')}"]`)
              .text()
              .trim(),
          )
          .get(),
      ).toEqual(['1:30am British Summer Time (UTC+1)', '1:30am Greenwich Mean Time (UTC)']);
      // What was typed stays.
      expect(page('#slot1-time').val()).toBe('1:30am');
      const later = await x.provider.post(x.invite, slot(autumn, '1:30am', { 'slot1-which': 'later' }), csrf);
      expect(later.statusCode, errorsOf(later).join()).toBe(303);
      const row = await t.database.db
        .selectFrom('interview_slots')
        .select('starts_at')
        .where('interview_id', '=', interviewIdFrom(later.headers.location))
        .executeTakeFirstOrThrow();
      expect(row.starts_at).toBe(`${autumn}T01:30:00.000Z`);
    });

    it('refuses a past time, a tampered zone, bad details; nothing is written', async () => {
      const x = await applied();
      const csrf = await x.provider.csrf(x.invite);
      const past = await x.provider.post(x.invite, slot('2020-03-16', '9:00am'), csrf);
      expect(past.statusCode).toBe(400);
      expect(errorsOf(past)).toEqual(['The interview time must be in the future']);
      const tampered = await x.provider.post(
        x.invite,
        slot(nextMarch16(), '9:00am', { zone: 'Mars/Olympus_Mons' }),
        csrf,
      );
      expect(tampered.statusCode).toBe(400);
      expect(errorsOf(tampered)).toEqual(['Select the time zone of the times you entered']);
      const arrays = await x.provider.post(
        x.invite,
        {
          ...slot(nextMarch16(), '25:00'),
          zone: ['Europe/London', 'UTC'],
          mode: 'online',
          link: 'javascript:alert(1)',
        },
        csrf,
      );
      expect(arrays.statusCode).toBe(400);
      const bad = await x.provider.post(
        x.invite,
        { ...slot(nextMarch16(), '25:00'), link: 'http://insecure.example' },
        csrf,
      );
      expect(errorsOf(bad)).toEqual([
        'The interview time: enter a time, like 9:30am or 21:30',
        'Enter the meeting link, starting with https://',
      ]);
      const count = await t.database.db
        .selectFrom('interviews')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('application_id', '=', x.applicationId)
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(0);
      // The candidate's pick of a time that has passed is refused too.
      const sent = await x.provider.post(x.invite, slot(nextMarch16(), '9:00am'), csrf);
      const id = interviewIdFrom(sent.headers.location);
      await t.database.db
        .updateTable('interview_slots')
        .set({ starts_at: '2020-01-01T09:00:00.000Z' })
        .where('interview_id', '=', id)
        .execute();
      const page = `/applications/${x.reference}/interviews/${id}`;
      const choose = $(await x.candidate.get(page));
      expect(choose('input[name="slot"]').first().attr('disabled')).toBeDefined();
      const late = await x.candidate.post(
        `${page}/choose`,
        { version: choose('input[name="version"]').attr('value')!, slot: choose('input[name="slot"]').attr('value')! },
        await x.candidate.csrf(page),
      );
      expect(late.statusCode).toBe(400);
      expect(errorsOf(late)).toEqual(['That time has passed. Choose another time or ask for other times']);
    });

    it('the candidate asks for other times; the provider proposes new ones; the candidate picks, asks to rearrange, then cancels; the provider invites again', async () => {
      const x = await applied();
      const date = nextMarch16();
      const sent = await x.provider.post(x.invite, slot(date, '8:00am'), await x.provider.csrf(x.invite));
      const id = interviewIdFrom(sent.headers.location);
      const page = `/applications/${x.reference}/interviews/${id}`;
      const providerPage = `/provider/applications/${x.reference}/interviews/${id}`;
      /** The interview's version, from the form a person would submit. */
      const version = async (from = page) =>
        $(await x.candidate.get(from))('input[name="version"]').attr('value') ?? '';
      const ask = `${page}/other-times`;
      const ccsrf = await x.candidate.csrf(ask);
      const empty = await x.candidate.post(ask, { version: await version(), message: ' ' }, ccsrf);
      expect(errorsOf(empty)).toEqual(['Enter when you could be interviewed, or why these times do not work']);
      expect(
        (await x.candidate.post(ask, { version: await version(), message: 'Any weekday 7pm to 10pm my time' }, ccsrf))
          .statusCode,
      ).toBe(303);
      expect($(await x.provider.get(providerPage))('main').text()).toContain('Any weekday 7pm to 10pm my time');
      const told = await t.database.db
        .selectFrom('outbox')
        .select('template')
        .where('to_email', '=', PROVIDER)
        .where('template', '=', 'interview-other-times-provider')
        .where('body', 'like', `%${x.reference}%`)
        .execute();
      expect(told.length).toBe(1);

      const newTimes = `${providerPage}/new-times`;
      const pform = $(await x.provider.get(newTimes));
      const pversion = pform('input[name="version"]').attr('value')!;
      const pcsrf = await x.provider.csrf(newTimes);
      expect((await x.provider.post(newTimes, { ...slot(date, '7:00am'), version: pversion }, pcsrf)).statusCode).toBe(
        303,
      );
      // The old page's version is stale now: a second submit of it changes nothing.
      const stale = await x.provider.post(newTimes, { ...slot(date, '7:30am'), version: pversion }, pcsrf);
      expect(stale.statusCode).toBe(400);
      expect(errorsOf(stale)).toEqual(['The interview changed while you were looking at it. Check it and try again']);
      const choose = $(await x.candidate.get(page));
      expect(choose('.govuk-radios__label').text().trim()).toContain('at 8:00pm New Zealand Daylight Time (UTC+13)');
      await x.candidate.post(
        `${page}/choose`,
        { version: await version(), slot: choose('input[name="slot"]').attr('value')! },
        await x.candidate.csrf(page),
      );
      expect($(await x.candidate.get(page))('[data-testid="interview-status"]').text()).toBe('Agreed');

      // Rearranging an agreed interview: it leaves both calendars.
      expect(
        (await x.candidate.post(ask, { version: await version(ask), message: 'I am ill that day' }, ccsrf)).statusCode,
      ).toBe(303);
      const rearranged = await t.database.db
        .selectFrom('outbox')
        .select(['body', 'attachments'])
        .where('to_email', '=', PROVIDER)
        .where('template', '=', 'interview-other-times-provider')
        .where('body', 'like', '%I am ill that day%')
        .executeTakeFirstOrThrow();
      expect(rearranged.body).toContain('has asked to rearrange their interview');
      expect(JSON.parse(rearranged.attachments!)[0].content).toContain('METHOD:CANCEL');

      const cancel = `${page}/cancel`;
      const noReason = await x.candidate.post(cancel, { version: await version(cancel), reason: '' }, ccsrf);
      expect(errorsOf(noReason)).toEqual(['Enter why you are cancelling the interview']);
      expect(
        (
          await x.candidate.post(
            cancel,
            { version: await version(cancel), reason: 'I have accepted another offer' },
            ccsrf,
          )
        ).statusCode,
      ).toBe(303);
      expect($(await x.provider.get(providerPage))('main').text()).toContain(
        'Cancelled by the candidate: I have accepted another offer',
      );
      // Cancelled: nothing more to do on it, and the provider may invite again.
      expect((await x.candidate.post(cancel, { version: '99', reason: 'again' }, ccsrf)).statusCode).toBe(400);
      const again = await x.provider.post(x.invite, slot(date, '9:00am'), await x.provider.csrf(x.invite));
      expect(again.statusCode, errorsOf(again).join()).toBe(303);
      const audit = await t.database.db
        .selectFrom('audit_events')
        .select('action')
        .where('application_id', '=', x.applicationId)
        .orderBy('id')
        .execute();
      expect(audit.map((a) => a.action)).toEqual([
        'submit',
        'invite-to-interview',
        'interview-ask-other-times',
        'interview-new-times',
        'interview-choose',
        'interview-ask-other-times',
        'interview-cancel',
        'invite-to-interview',
      ]);
    });

    it('another candidate’s or another provider’s interview is not found, nor is its calendar file', async () => {
      const x = await applied();
      const sent = await x.provider.post(x.invite, slot(nextMarch16(), '8:00am'), await x.provider.csrf(x.invite));
      const id = interviewIdFrom(sent.headers.location);
      const page = `/applications/${x.reference}/interviews/${id}`;
      const choose = $(await x.candidate.get(page));
      await x.candidate.post(
        `${page}/choose`,
        { version: choose('input[name="version"]').attr('value')!, slot: choose('input[name="slot"]').attr('value')! },
        await x.candidate.csrf(page),
      );
      const y = await applied(LAGOS_CANDIDATE, 'sample-provider-worldwide-except');
      const other = new FormClient(t.app);
      await freshCodes();
      await signIn(other, t.database.db, OTHER_PROVIDER);
      const providerPage = `/provider/applications/${x.reference}/interviews/${id}`;
      const ycsrf = await y.candidate.csrf(`/applications/${y.reference}`);
      for (const url of [
        page,
        `${page}.ics`,
        `${page}/cancel`,
        `/applications/${y.reference}/interviews/${id}`,
        `/applications/${y.reference}/interviews/${id}.ics`,
      ])
        expect((await y.candidate.get(url)).statusCode, url).toBe(404);
      expect((await y.candidate.post(`${page}/cancel`, { version: '2', reason: 'x' }, ycsrf)).statusCode).toBe(404);
      for (const url of [providerPage, `${providerPage}.ics`, `${providerPage}/new-times`, `${providerPage}/cancel`])
        expect((await other.get(url)).statusCode, url).toBe(404);
      expect(
        (await other.post(`${providerPage}/cancel`, { version: '2', reason: 'x' }, await other.csrf('/provider')))
          .statusCode,
      ).toBe(404);
      // Providers and candidates do not reach each other's pages either.
      expect((await x.provider.get(page)).statusCode).toBe(404);
      expect((await x.candidate.get(providerPage)).statusCode).toBe(404);
      expect((await x.candidate.get(`/applications/${x.reference}/interviews/99999.ics`)).statusCode).toBe(404);
      expect((await x.candidate.get(`/applications/${x.reference}/interviews/x1.ics`)).statusCode).toBe(404);
      expect($(await x.candidate.get(page))('[data-testid="interview-status"]').text()).toBe('Agreed');
    });

    it('a decision ends the interview stage: an interview still to come is cancelled, one already held stays', async () => {
      const agree = async () => {
        const x = await applied();
        const sent = await x.provider.post(x.invite, slot(nextMarch16(), '8:00am'), await x.provider.csrf(x.invite));
        const id = interviewIdFrom(sent.headers.location);
        const page = `/applications/${x.reference}/interviews/${id}`;
        const choose = $(await x.candidate.get(page));
        await x.candidate.post(
          `${page}/choose`,
          {
            version: choose('input[name="version"]').attr('value')!,
            slot: choose('input[name="slot"]').attr('value')!,
          },
          await x.candidate.csrf(page),
        );
        return { ...x, id, page };
      };
      const withdrawn = await agree();
      const wcsrf = await withdrawn.candidate.csrf(`/applications/${withdrawn.reference}/withdraw`);
      expect(
        (await withdrawn.candidate.post(`/applications/${withdrawn.reference}/withdraw`, { reason: 'Moving' }, wcsrf))
          .statusCode,
      ).toBe(303);
      const after = $(await withdrawn.candidate.get(withdrawn.page));
      expect(after('[data-testid="interview-status"]').text()).toBe('Cancelled');
      expect(after('main').text()).toContain('The application is no longer at the interview stage');
      expect(after('a[href$="/cancel"]').length).toBe(0);

      const held = await agree();
      await t.database.db
        .updateTable('interviews')
        .set({ starts_at: '2026-01-05T09:00:00.000Z' })
        .where('id', '=', held.id)
        .execute();
      const view = `/provider/applications/${held.reference}`;
      expect((await held.provider.post(`${view}/make-offer`, {}, await held.provider.csrf(view))).statusCode).toBe(303);
      expect($(await held.candidate.get(held.page))('[data-testid="interview-status"]').text()).toBe('Agreed');
    });

    it('every interview form answers arrays, scripts and huge values with a message or a redirect, never a 500', async () => {
      const x = await applied();
      const sent = await x.provider.post(x.invite, slot(nextMarch16(), '8:00am'), await x.provider.csrf(x.invite));
      const id = interviewIdFrom(sent.headers.location);
      const page = `/applications/${x.reference}/interviews/${id}`;
      const providerPage = `/provider/applications/${x.reference}/interviews/${id}`;
      const ccsrf = await x.candidate.csrf(page);
      const pcsrf = await x.provider.csrf(providerPage);
      const hostile: Record<string, string | string[]>[] = [
        { version: ['1', '2'], slot: ['1', '2'], message: ['a', 'b'], reason: ['a', 'b'] },
        { version: '1'.repeat(400), slot: '9'.repeat(400), message: 'x'.repeat(100_000), reason: 'x'.repeat(5000) },
        { version: '<script>', slot: "1' or 1=1 --", message: '<script>alert(1)</script>', reason: '\u0000' },
        {
          zone: ['Europe/London', 'UTC'],
          'slot1-day': ['1', '2'],
          'slot1-time': 'x'.repeat(100_000),
          'slot1-which': ['earlier', 'later'],
          duration: '-1',
          mode: ['online', 'in-person'],
          link: 'x'.repeat(100_000),
        },
      ];
      for (const form of hostile) {
        for (const url of [`${page}/choose`, `${page}/other-times`, `${page}/cancel`]) {
          const res = await x.candidate.post(url, form, ccsrf);
          expect(res.statusCode, url).toBeLessThan(500);
        }
        for (const url of [x.invite, `${providerPage}/new-times`, `${providerPage}/cancel`]) {
          const res = await x.provider.post(url, form, pcsrf);
          expect(res.statusCode, url).toBeLessThan(500);
        }
      }
      // Nothing changed: the interview still waits for the candidate, with its one time.
      const row = await t.database.db
        .selectFrom('interviews')
        .select(['status', 'version'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'proposed', version: 1 });
    });

    it('50 concurrent invitations make one interview; 50 concurrent picks agree one time, once', async () => {
      const x = await applied();
      const csrf = await x.provider.csrf(x.invite);
      const year = nextMarch16().slice(0, 4);
      const form = {
        ...slot(nextMarch16(), '8:00am'),
        'slot2-day': '17',
        'slot2-month': '3',
        'slot2-year': year,
        'slot2-time': '8:00am',
      };
      const invites = await Promise.all(Array.from({ length: 50 }, () => x.provider.post(x.invite, form, csrf)));
      expect(
        invites
          .filter((r) => r.statusCode !== 303 && r.statusCode !== 400)
          .map((r) => `${r.statusCode} ${$(r)('h1').text().trim()} ${$(r)('main p').first().text().trim()}`),
        'every invitation is made or refused with a message',
      ).toEqual([]);
      const rows = await t.database.db
        .selectFrom('interviews')
        .select('id')
        .where('application_id', '=', x.applicationId)
        .execute();
      expect(rows.length).toBe(1);
      const id = rows[0]!.id;
      const page = `/applications/${x.reference}/interviews/${id}`;
      const choose = $(await x.candidate.get(page));
      const version = choose('input[name="version"]').attr('value')!;
      const slots = choose('input[name="slot"]')
        .map((_, r) => choose(r).attr('value'))
        .get();
      const ccsrf = await x.candidate.csrf(page);
      const picks = await Promise.all(
        Array.from({ length: 50 }, (_, k) =>
          x.candidate.post(`${page}/choose`, { version, slot: slots[k % 2]! }, ccsrf),
        ),
      );
      expect(picks.filter((r) => r.statusCode === 303).length).toBe(1);
      expect(
        picks
          .filter((r) => r.statusCode !== 303 && r.statusCode !== 400)
          .map((r) => `${r.statusCode} ${$(r)('h1').text().trim()} ${$(r)('main p').first().text().trim()}`),
        'every pick is taken or refused with a message',
      ).toEqual([]);
      const audit = await t.database.db
        .selectFrom('audit_events')
        .select('action')
        .where('application_id', '=', x.applicationId)
        .where('action', '=', 'interview-choose')
        .execute();
      expect(audit.length).toBe(1);
      const agreedEmails = await t.database.db
        .selectFrom('outbox')
        .select('id')
        .where('to_email', '=', x.email)
        .where('template', '=', 'interview-agreed-candidate')
        .execute();
      expect(agreedEmails.length).toBe(1);
    }, 60_000);

    it('your account: a candidate’s zone is proposed from their town and can be changed; a provider’s is England’s; a tampered zone is refused', async () => {
      const x = await applied();
      const mine = $(await x.candidate.get('/account'));
      expect(mine('h1').text()).toBe('Your account');
      expect(mine('[data-testid="zone"]').text()).toMatch(
        /^Pacific\/Auckland – New Zealand (Daylight|Standard) Time \(UTC\+1[23]\)$/,
      );
      expect(mine('#zone option[selected]').attr('value')).toBe('Pacific/Auckland');
      expect(mine('#zone option').length).toBeGreaterThan(300);
      expect(mine('.app-account a[href="/account"]').text()).toBe('Your account');
      const csrf = await x.candidate.csrf('/account');
      for (const zone of ['Mars/Olympus_Mons', '', 'x'.repeat(5000)]) {
        const bad = await x.candidate.post('/account/time-zone', { zone }, csrf);
        expect(bad.statusCode).toBe(400);
        expect(errorsOf(bad)).toEqual(['Select your time zone from the list']);
      }
      const arrays = await x.candidate.post('/account/time-zone', { zone: ['Asia/Dubai', 'UTC'] }, csrf);
      expect(arrays.statusCode).toBe(400);
      const saved = await x.candidate.post('/account/time-zone', { zone: 'Asia/Dubai' }, csrf);
      expect(saved.statusCode).toBe(303);
      expect($(await x.candidate.get('/account'))('[data-testid="zone"]').text()).toBe(
        'Asia/Dubai – Gulf Standard Time (UTC+4)',
      );
      // Interview times follow the chosen zone.
      const sent = await x.provider.post(x.invite, slot(nextMarch16(), '8:00am'), await x.provider.csrf(x.invite));
      const page = $(
        await x.candidate.get(`/applications/${x.reference}/interviews/${interviewIdFrom(sent.headers.location)}`),
      );
      expect(page('.govuk-radios__label').text().trim()).toContain('at 12:00pm Gulf Standard Time (UTC+4)');
      expect($(await x.provider.get('/account'))('[data-testid="zone"]').text()).toMatch(/^Europe\/London – /);
      const anonymous = await t.app.inject('/account');
      expect(anonymous.statusCode).toBe(303);
      expect(anonymous.headers.location).toBe('/sign-in');
    });
  });
}
