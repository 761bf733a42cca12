import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { addDays, localToday, todaySomewhere, weekStart } from '../../src/shared/local-dates.ts';
import { $, startTestApp, type FormClient, type TestApp } from '../helpers/app.ts';
import { engines } from '../helpers/databases.ts';
import { partnerSchool, providerIdOf, recruitedCandidate, signInAs, weekDays } from '../helpers/training.ts';

/**
 * The training journey through the real pages: the provider starts training from a
 * recruited application and adds a mentor; the trainee logs two weeks; the mentor confirms
 * one and queries the other; the provider resolves the query; the mentor records an
 * observation; the provider records the final review. Every refusal says why and changes nothing.
 */
const PROVIDER = 'sample.provider1@example.com';
const text = (res: LightMyRequestResponse) => $(res)('main').text().replace(/\s+/g, ' ');
const errors = (res: LightMyRequestResponse) => $(res)('.govuk-error-summary').text().replace(/\s+/g, ' ');

function dateFields(name: string, iso: string) {
  return {
    [`${name}-day`]: String(Number(iso.slice(8))),
    [`${name}-month`]: String(Number(iso.slice(5, 7))),
    [`${name}-year`]: iso.slice(0, 4),
  };
}

for (const engine of engines) {
  describe.skipIf(engine.skip)(`training journey (${engine.name})`, () => {
    let t: TestApp;
    let provider: FormClient;
    let trainee: FormClient;
    let mentor: FormClient;
    let reference: string;
    let traineeId: number;
    // Lagos dates: the school is in Lagos, so its dates are Lagos dates.
    const today = localToday('Africa/Lagos');
    const thisWeek = weekStart(today);
    const weekA = addDays(thisWeek, -14);
    const weekB = addDays(thisWeek, -7);
    const start = addDays(thisWeek, -70);

    beforeAll(async () => {
      t = await startTestApp({ engine: engine.name });
      await seedSampleData(t.database.db, 0);
      const providerId = await providerIdOf(t.database.db, 'sample-provider-worldwide-online');
      await partnerSchool(t.database.db, providerId, 'Yaba Training School', 'Lagos', 'NG');
      provider = await signInAs(t, PROVIDER);
      ({ candidate: trainee, reference } = await recruitedCandidate(t, provider, 'trainee.amina@example.org'));
    }, 120_000);
    afterAll(async () => t?.close());

    it('the provider adds a mentor at a partner school, who is emailed', async () => {
      const form = await provider.get('/provider/mentors/new');
      expect(form.statusCode).toBe(200);
      const csrf = $(form)('input[name=_csrf]').val() as string;
      const schoolKey = $(form)('#schoolKey option')
        .filter((_, o) => $(form)(o).text().startsWith('Yaba Training School'))
        .attr('value')!;
      const bad = await provider.post(
        '/provider/mentors',
        { schoolKey, name: '', email: 'not-an-email', role: 'lead' },
        csrf,
      );
      expect(bad.statusCode).toBe(400);
      expect(errors(bad)).toContain('Enter the mentor’s full name');
      expect(errors(bad)).toContain('Enter an email address in the correct format');
      expect(errors(bad)).toContain('Enter the date their mentor training was completed');
      const ok = await provider.post(
        '/provider/mentors',
        {
          schoolKey,
          name: 'Ngozi Adeyemi',
          email: 'ngozi.mentor@example.org',
          role: 'lead',
          ...dateFields('trainedOn', '2026-06-15'),
        },
        csrf,
      );
      expect(ok.statusCode, errors(ok)).toBe(303);
      expect(text(await provider.get('/provider/mentors'))).toContain(
        'Ngozi Adeyemi ngozi.mentor@example.org Yaba Training School Lead mentor 15 June 2026',
      );
      const again = await provider.post(
        '/provider/mentors',
        {
          schoolKey,
          name: 'Ngozi Adeyemi',
          email: 'ngozi.mentor@example.org',
          role: 'lead',
          ...dateFields('trainedOn', '2026-06-15'),
        },
        csrf,
      );
      expect(errors(again)).toContain('ngozi.mentor@example.org is already a mentor at Yaba Training School');
      const email = await t.database.db
        .selectFrom('outbox')
        .select('subject')
        .where('to_email', '=', 'ngozi.mentor@example.org')
        .executeTakeFirstOrThrow();
      expect(email.subject).toContain('has added you as an iQTS mentor');
    });

    it('the provider starts training from the recruited application, with what it knows filled in', async () => {
      const app = await provider.get(`/provider/applications/${reference}`);
      expect($(app)('a:contains("Start training")').attr('href')).toBe(
        `/provider/applications/${reference}/start-training`,
      );
      const form = await provider.get(`/provider/applications/${reference}/start-training`);
      const $f = $(form);
      expect($f('#subjects').val()).toBe('Mathematics');
      expect($f('#trainingCountry option[selected]').val()).toBe('NG');
      expect($f('input[name=ageRange][checked]').val()).toBe('11 to 18');
      const mentorId = $f('#mentorId option')
        .filter((_, o) => $f(o).text().startsWith('Ngozi Adeyemi'))
        .attr('value')!;
      const csrf = $f('input[name=_csrf]').val() as string;
      const base = {
        studyMode: 'full-time',
        ageRange: '11 to 18',
        subjects: 'Mathematics',
        trainingCountry: 'NG',
        criteriaVersion: '2025-04',
        mentorId,
        ...dateFields('startDate', start),
        ...dateFields('expectedEndDate', addDays(start, 273)),
        ...dateFields('placementStart', start),
        ...dateFields('placementEnd', addDays(start, 270)),
      };
      const backwards = await provider.post(
        `/provider/applications/${reference}/start-training`,
        { ...base, ...dateFields('placementEnd', addDays(start, -1)) },
        csrf,
      );
      expect(backwards.statusCode).toBe(400);
      expect(errors(backwards)).toContain('The placement must end on or after it starts');
      const noMentor = await provider.post(
        `/provider/applications/${reference}/start-training`,
        { ...base, mentorId: '' },
        csrf,
      );
      expect(errors(noMentor)).toContain('Select a mentor');
      expect(await t.database.db.selectFrom('trainees').selectAll().execute()).toHaveLength(0);

      const ok = await provider.post(`/provider/applications/${reference}/start-training`, base, csrf);
      expect(ok.statusCode, errors(ok)).toBe(303);
      traineeId = Number(String(ok.headers.location).split('/').pop());
      // A second submit starts nothing new: the form now leads to the record.
      const twice = await provider.post(`/provider/applications/${reference}/start-training`, base, csrf);
      expect(twice.headers.location).toBe(`/provider/trainees/${traineeId}`);
      expect(await t.database.db.selectFrom('trainees').selectAll().execute()).toHaveLength(1);
      const record = text(await provider.get(`/provider/trainees/${traineeId}`));
      expect(record).toContain('0 of 24 weeks confirmed');
      expect(record).toContain('Yaba Training School');
      expect(record).toContain('Africa/Lagos');
    });

    it('the trainee logs two weeks, a week at a time; bad days are refused with the reason', async () => {
      const page = await trainee.get('/training');
      expect(page.statusCode).toBe(200);
      expect(text(page)).toContain('0 of 24 weeks confirmed');
      const week = await trainee.get(`/training/days?week=${weekA}`);
      const csrf = $(week)('input[name=_csrf]').val() as string;
      const placementId = $(week)('input[name=placementId]').val() as string;
      expect($(week)('legend').first().text()).toContain('Monday');

      const noKind = await trainee.post('/training/days', { placementId, week: weekA, 'portion-0': 'full' }, csrf);
      expect(noKind.statusCode).toBe(400);
      expect(errors(noKind)).toContain('Select the kind of day');

      const future = await trainee.post(
        '/training/days',
        { placementId, week: addDays(thisWeek, 7), ...weekDays([0]) },
        csrf,
      );
      expect(future.statusCode).toBe(400);
      expect(errors(future)).toMatch(/is in the future: log a day once it has happened/);

      const a = await trainee.post('/training/days', { placementId, week: weekA, ...weekDays([0, 1, 2, 3, 4]) }, csrf);
      expect(a.statusCode, errors(a)).toBe(303);
      const again = await trainee.post('/training/days', { placementId, week: weekA, ...weekDays([0]) }, csrf);
      expect(errors(again)).toMatch(/You have already logged Monday .* for this placement/);
      const b = await trainee.post('/training/days', { placementId, week: weekB, ...weekDays([0, 1, 2, 3, 4]) }, csrf);
      expect(b.statusCode, errors(b)).toBe(303);
      const rows = await t.database.db.selectFrom('placement_days').select(['status']).execute();
      expect(rows).toHaveLength(10);
      expect(text(await trainee.get('/training'))).toContain('Awaiting the mentor 10 days');
    });

    it('the mentor sees only their trainee, confirms one week and queries the other', async () => {
      mentor = await signInAs(t, 'ngozi.mentor@example.org');
      const home = await mentor.get('/mentor');
      expect(home.statusCode).toBe(200);
      expect(text(home)).toContain('Amina Okafor');
      const page = await mentor.get(`/mentor/trainees/${traineeId}`);
      const csrf = $(page)('input[name=_csrf]').first().val() as string;
      const noReason = await mentor.post(
        `/mentor/trainees/${traineeId}/weeks/${weekB}`,
        { action: 'query', reason: '' },
        csrf,
      );
      expect(noReason.statusCode).toBe(400);
      expect(errors(noReason)).toContain('Enter why you are querying these days');
      expect(
        (await mentor.post(`/mentor/trainees/${traineeId}/weeks/${weekA}`, { action: 'confirm' }, csrf)).statusCode,
      ).toBe(303);
      const twice = await mentor.post(`/mentor/trainees/${traineeId}/weeks/${weekA}`, { action: 'confirm' }, csrf);
      expect(errors(twice)).toContain('There are no days awaiting you in this week');
      expect(
        (
          await mentor.post(
            `/mentor/trainees/${traineeId}/weeks/${weekB}`,
            { action: 'query', reason: 'Friday was a school holiday' },
            csrf,
          )
        ).statusCode,
      ).toBe(303);
      const progress = text(await trainee.get('/training'));
      expect(progress).toContain('1 of 24 weeks confirmed');
      expect(progress).toContain('Queried 5 days');
      expect(progress).toContain('Friday was a school holiday');
      const emails = await t.database.db
        .selectFrom('outbox')
        .select(['to_email', 'template'])
        .where('template', 'like', 'days-queried%')
        .execute();
      expect(emails.map((e) => e.template)).toContain('days-queried');
      expect(emails.map((e) => e.to_email)).toContain(PROVIDER);
    });

    it('the provider resolves the query: confirms four days and removes the holiday', async () => {
      const days = await t.database.db
        .selectFrom('placement_days')
        .select(['id', 'date'])
        .where('status', '=', 'queried')
        .orderBy('date')
        .execute();
      expect(days).toHaveLength(5);
      const page = await provider.get(`/provider/trainees/${traineeId}`);
      const csrf = $(page)('input[name=_csrf]').first().val() as string;
      const noReason = await provider.post(
        `/provider/trainees/${traineeId}/days/${days[4]!.id}`,
        { action: 'remove' },
        csrf,
      );
      expect(errors(noReason)).toContain('Enter the reason');
      const removed = await provider.post(
        `/provider/trainees/${traineeId}/days/${days[4]!.id}`,
        { action: 'remove', reason: 'School holiday' },
        csrf,
      );
      expect(removed.statusCode).toBe(303);
      for (const d of days.slice(0, 4))
        expect(
          (
            await provider.post(
              `/provider/trainees/${traineeId}/days/${d.id}`,
              { action: 'confirm', reason: 'Checked with the school' },
              csrf,
            )
          ).statusCode,
        ).toBe(303);
      const record = text(await provider.get(`/provider/trainees/${traineeId}`));
      expect(record).not.toContain('Queried days to resolve');
      expect(record).toContain('Days confirmed 9');
      // Four days do not make a full-time week.
      expect(record).toContain('1 of 24 weeks confirmed');
    });

    it('the mentor records an observation and the provider the final review', async () => {
      const form = await mentor.get(`/mentor/trainees/${traineeId}/observations/new`);
      const csrf = $(form)('input[name=_csrf]').val() as string;
      const missing = await mentor.post(
        `/mentor/trainees/${traineeId}/observations`,
        {
          ...dateFields('date', weekA),
          className: 'Year 9',
          ageGroup: '13 to 14',
          standards: ['ts4', 'ts7'],
          ts4: 'meeting',
          strengths: 'Clear',
          targets: 'Pace',
        },
        csrf,
      );
      expect(errors(missing)).toContain('Select a judgement for TS7');
      const ok = await mentor.post(
        `/mentor/trainees/${traineeId}/observations`,
        {
          ...dateFields('date', weekA),
          className: 'Year 9',
          ageGroup: '13 to 14',
          standards: ['ts4', 'ts7'],
          ts4: 'meeting',
          ts7: 'working-towards',
          strengths: 'Clear explanations of ratio',
          targets: 'Check understanding before moving on',
        },
        csrf,
      );
      expect(ok.statusCode, errors(ok)).toBe(303);
      expect(text(await trainee.get('/training'))).toContain('Clear explanations of ratio');

      const review = await provider.get(`/provider/trainees/${traineeId}/reviews/new`);
      const rcsrf = $(review)('input[name=_csrf]').val() as string;
      const all = Object.fromEntries(
        ['ts1', 'ts2', 'ts3', 'ts4', 'ts5', 'ts6', 'ts7', 'ts8', 'part2'].map((s) => [s, 'meeting']),
      );
      const contradictory = await provider.post(
        `/provider/trainees/${traineeId}/reviews`,
        {
          kind: 'final',
          ...dateFields('date', today),
          ...all,
          ts3: 'working-towards',
          outcome: 'passed',
          comments: 'Done',
        },
        rcsrf,
      );
      expect(errors(contradictory)).toContain(
        'A final assessment can only pass when every standard is judged ‘meeting’',
      );
      // Tomorrow everywhere on Earth is refused; today somewhere is not, though London may still be on the day before.
      const future = await provider.post(
        `/provider/trainees/${traineeId}/reviews`,
        {
          kind: 'final',
          ...dateFields('date', addDays(todaySomewhere(), 1)),
          ...all,
          outcome: 'passed',
          comments: 'All standards met',
        },
        rcsrf,
      );
      expect(errors(future)).toContain('The date of the review must be today or in the past');
      const passed = await provider.post(
        `/provider/trainees/${traineeId}/reviews`,
        {
          kind: 'final',
          ...dateFields('date', todaySomewhere()),
          ...all,
          outcome: 'passed',
          comments: 'All standards met',
        },
        rcsrf,
      );
      expect(passed.statusCode, errors(passed)).toBe(303);
      const page = $(await provider.get(`/provider/trainees/${traineeId}`));
      expect(page('main').text()).toContain('Passed: all standards met');
      expect(page('table caption:contains("Judgements at each review point")').length).toBe(1);
      expect(page('svg.app-chart title').first().text()).toContain('Confirmed days by week');
    });

    it('the provider defers and reinstates, each audited and emailed', async () => {
      const form = await provider.get(`/provider/trainees/${traineeId}/status/defer`);
      const csrf = $(form)('input[name=_csrf]').val() as string;
      const none = await provider.post(`/provider/trainees/${traineeId}/status/defer`, {}, csrf);
      expect(errors(none)).toContain('Enter the date of deferral');
      expect(
        (
          await provider.post(
            `/provider/trainees/${traineeId}/status/defer`,
            { ...dateFields('date', today), reason: 'Family illness' },
            csrf,
          )
        ).statusCode,
      ).toBe(303);
      expect(text(await trainee.get('/training'))).toContain('Deferred');
      const week = await trainee.get('/training/days');
      const log = await trainee.post(
        '/training/days',
        { placementId: $(week)('input[name=placementId]').val() as string, week: thisWeek, ...weekDays([0]) },
        $(week)('input[name=_csrf]').val() as string,
      );
      expect(errors(log)).toContain('You can only log days while in training');
      expect(
        (await provider.post(`/provider/trainees/${traineeId}/status/reinstate`, dateFields('date', today), csrf))
          .statusCode,
      ).toBe(303);
      const history = text(await provider.get(`/provider/trainees/${traineeId}`));
      expect(history).toContain('In training to Deferred');
      expect(history).toContain('Deferred to In training');
      const templates = (await t.database.db.selectFrom('outbox').select('template').execute()).map((e) => e.template);
      expect(templates).toEqual(
        expect.arrayContaining(['training-started', 'training-deferred', 'training-reinstated']),
      );
    });

    it('lists trainees with filters and exports them', async () => {
      const list = text(await provider.get('/provider/trainees'));
      expect(list).toContain('1 trainee');
      expect(list).toContain('Amina Okafor');
      expect(text(await provider.get('/provider/trainees?state=withdrawn'))).toContain('0 trainees');
      expect((await provider.get('/provider/trainees?state=bogus')).statusCode).toBe(400);
      const csv = await provider.get('/provider/trainees.csv');
      expect(csv.headers['content-type']).toContain('text/csv');
      expect(csv.body).toContain('Amina Okafor,In training,NG');
    });
  });
}

for (const engine of engines) {
  describe.skipIf(engine.skip)(`a whole course through the pages (${engine.name})`, () => {
    it('a recruited candidate reaches "final review: all standards met, 24 weeks confirmed" through the pages alone', async () => {
      const t = await startTestApp({ engine: engine.name });
      try {
        await seedSampleData(t.database.db, 0);
        const providerId = await providerIdOf(t.database.db, 'sample-provider-worldwide-online');
        await partnerSchool(t.database.db, providerId, 'Whole Course School', 'Accra', 'GH');
        const provider = await signInAs(t, PROVIDER);
        const { candidate, reference } = await recruitedCandidate(t, provider, 'whole.course@example.org');
        const thisWeek = weekStart(localToday('Africa/Accra'));
        const start = addDays(thisWeek, -26 * 7);
        // A mentor, then training, all through the forms.
        const form = await provider.get('/provider/mentors/new');
        const schoolKey = $(form)('#schoolKey option')
          .filter((_, o) => $(form)(o).text().startsWith('Whole Course School'))
          .attr('value')!;
        const csrf = $(form)('input[name=_csrf]').val() as string;
        expect(
          (
            await provider.post(
              '/provider/mentors',
              {
                schoolKey,
                name: 'Kofi Mensah',
                email: 'kofi.mentor@example.org',
                role: 'general',
                ...dateFields('trainedOn', '2025-01-10'),
              },
              csrf,
            )
          ).statusCode,
        ).toBe(303);
        const startForm = await provider.get(`/provider/applications/${reference}/start-training`);
        const mentorId = $(startForm)('#mentorId option')
          .filter((_, o) => $(startForm)(o).text().startsWith('Kofi Mensah'))
          .attr('value')!;
        const started = await provider.post(
          `/provider/applications/${reference}/start-training`,
          {
            studyMode: 'full-time',
            ageRange: '11 to 18',
            subjects: 'Mathematics',
            trainingCountry: 'GH',
            criteriaVersion: '2025-04',
            mentorId,
            ...dateFields('startDate', start),
            ...dateFields('expectedEndDate', addDays(start, 273)),
            ...dateFields('placementStart', start),
            ...dateFields('placementEnd', addDays(start, 270)),
          },
          csrf,
        );
        expect(started.statusCode, errors(started)).toBe(303);
        const traineeUrl = String(started.headers.location);
        const traineeId = traineeUrl.split('/').pop();
        // 24 weeks logged by the trainee, a week at a time, and confirmed by the mentor, a week at a time.
        const week = await candidate.get('/training/days');
        const placementId = $(week)('input[name=placementId]').val() as string;
        const tcsrf = $(week)('input[name=_csrf]').val() as string;
        const mentor = await signInAs(t, 'kofi.mentor@example.org');
        const mcsrf = await mentor.csrf('/mentor');
        for (let w = 0; w < 24; w++) {
          const monday = addDays(start, w * 7);
          const logged = await candidate.post(
            '/training/days',
            { placementId, week: monday, ...weekDays([0, 1, 2, 3, 4]) },
            tcsrf,
          );
          expect(logged.statusCode, errors(logged)).toBe(303);
          const confirmed = await mentor.post(
            `/mentor/trainees/${traineeId}/weeks/${monday}`,
            { action: 'confirm' },
            mcsrf,
          );
          expect(confirmed.statusCode, errors(confirmed)).toBe(303);
        }
        const all = Object.fromEntries(
          ['ts1', 'ts2', 'ts3', 'ts4', 'ts5', 'ts6', 'ts7', 'ts8', 'part2'].map((s) => [s, 'meeting']),
        );
        const review = await provider.post(
          `/provider/trainees/${traineeId}/reviews`,
          {
            kind: 'final',
            ...dateFields('date', localToday('Europe/London')),
            ...all,
            outcome: 'passed',
            comments: 'All met',
          },
          await provider.csrf(`/provider/trainees/${traineeId}/reviews/new`),
        );
        expect(review.statusCode, errors(review)).toBe(303);
        const page = text(await candidate.get('/training'));
        expect(page).toContain('24 of 24 weeks confirmed');
        expect(page).toContain('Requirement met');
        expect(page).toContain('Passed: all standards met');
        // The provider's list agrees, and does not count the trainee as behind.
        expect(text(await provider.get('/provider/trainees?behind=yes'))).toContain('0 trainees');
        expect(text(await provider.get('/provider/trainees'))).toContain('24 of 24 weeks');
      } finally {
        await t.close();
      }
    }, 180_000);
  });
}
