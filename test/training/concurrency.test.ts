import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { inviteMentor, startTraining } from '../../src/features/training/repository.ts';
import { addDays, localToday, weekStart } from '../../src/shared/local-dates.ts';
import { providerScope } from '../../src/shared/scope.ts';
import { $, startTestApp, type FormClient, type TestApp } from '../helpers/app.ts';
import { engines } from '../helpers/databases.ts';
import { partnerSchool, providerIdOf, recruitedCandidate, signInAs, weekDays } from '../helpers/training.ts';

/**
 * Training's writes under 50 concurrent requests, on both engines: a date is logged once
 * per placement, never more than a full day across placements, a week is confirmed once,
 * a query is resolved once, a trainee record is started once and a state step happens once.
 */
const RACE = 50;
const at = (n: number) => Array.from({ length: n }, (_, i) => i);

for (const engine of engines) {
  describe.skipIf(engine.skip)(`training under concurrency (${engine.name})`, () => {
    let t: TestApp;
    let provider: FormClient;
    let trainee: FormClient;
    let mentor: FormClient;
    let traineeId: number;
    let placements: number[];
    let applicationId: number;
    let scope: ReturnType<typeof providerScope>;
    let mentorIds: number[];
    const week = addDays(weekStart(localToday('Africa/Lagos')), -7);

    beforeAll(async () => {
      t = await startTestApp({ engine: engine.name });
      const db = t.database.db;
      await seedSampleData(db, 0);
      const providerId = await providerIdOf(db, 'sample-provider-worldwide-online');
      const a = await partnerSchool(db, providerId, 'Race School A', 'Lagos', 'NG');
      const b = await partnerSchool(db, providerId, 'Race School B', 'Ibadan', 'NG');
      provider = await signInAs(t, 'sample.provider1@example.com');
      const { candidate, reference } = await recruitedCandidate(t, provider, 'race.trainee@example.org');
      trainee = candidate;
      const staff = await db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'sample.provider1@example.com')
        .executeTakeFirstOrThrow();
      scope = providerScope(staff.id, 'manage-trainees', [providerId]);
      mentorIds = [];
      for (const [i, school] of [a, b].entries()) {
        const m = await inviteMentor(
          db,
          scope,
          {
            providerId,
            schoolId: school.id,
            name: `Race Mentor ${i}`,
            email: 'race.mentor@example.org',
            role: 'general',
            trainedOn: '2025-06-01',
          },
          'http://localhost',
        );
        if (!m.ok) throw new Error(m.message);
        mentorIds.push(m.value);
      }
      applicationId = (
        await db.selectFrom('applications').select('id').where('reference', '=', reference).executeTakeFirstOrThrow()
      ).id;
      // 50 "Start training" submits at once: one record.
      const starts = await Promise.all(
        at(RACE).map(() =>
          startTraining(
            db,
            scope,
            {
              applicationId,
              startDate: addDays(week, -28),
              expectedEndDate: addDays(week, 240),
              studyMode: 'full-time',
              daysPerWeek: 5,
              ageRange: '11 to 18',
              subjects: ['Mathematics'],
              trainingCountry: 'NG',
              criteriaVersion: '2025-04',
              placement: { mentorId: mentorIds[0]!, startDate: addDays(week, -28), endDate: addDays(week, 200) },
            },
            'http://localhost',
          ),
        ),
      );
      expect(starts.filter((s) => s.ok)).toHaveLength(1);
      expect(
        starts
          .filter((s) => !s.ok)
          .every((s) => !s.ok && s.message === 'Training has already started for this candidate'),
      ).toBe(true);
      expect(await db.selectFrom('trainees').select('id').execute()).toHaveLength(1);
      expect(
        await db.selectFrom('audit_events').select('id').where('action', '=', 'start-training').execute(),
      ).toHaveLength(1);
      traineeId = (starts.find((s) => s.ok) as { value: number }).value;
      const page = await provider.get(`/provider/trainees/${traineeId}`);
      const csrf = $(page)('input[name=_csrf]').first().val() as string;
      const mentorB = $(page)('#mentorId option')
        .filter((_, o) => $(page)(o).text().includes('Race School B'))
        .attr('value')!;
      const added = await provider.post(
        `/provider/trainees/${traineeId}/placements`,
        {
          mentorId: mentorB,
          'placementStart-day': String(Number(addDays(week, -28).slice(8))),
          'placementStart-month': String(Number(addDays(week, -28).slice(5, 7))),
          'placementStart-year': addDays(week, -28).slice(0, 4),
          'placementEnd-day': String(Number(addDays(week, 200).slice(8))),
          'placementEnd-month': String(Number(addDays(week, 200).slice(5, 7))),
          'placementEnd-year': addDays(week, 200).slice(0, 4),
        },
        csrf,
      );
      expect(added.statusCode).toBe(303);
      placements = (
        await db.selectFrom('placements').select('id').where('trainee_id', '=', traineeId).orderBy('id').execute()
      ).map((p) => p.id);
      expect(placements).toHaveLength(2);
      mentor = await signInAs(t, 'race.mentor@example.org');
    }, 180_000);
    afterAll(async () => t?.close());

    it(`${RACE} saves of the same day: logged once; full days at two placements on one date: never more than one day`, async () => {
      const csrf = await trainee.csrf(`/training/days?placement=${placements[0]}&week=${week}`);
      const same = await Promise.all(
        at(RACE).map(() =>
          trainee.post('/training/days', { placementId: String(placements[0]), week, ...weekDays([0]) }, csrf),
        ),
      );
      expect(same.filter((r) => r.statusCode === 303)).toHaveLength(1);
      expect(same.every((r) => r.statusCode === 303 || r.statusCode === 400)).toBe(true);
      // Tuesday: half the requests log a full day at A, half at B.
      const split = await Promise.all(
        at(RACE).map((i) =>
          trainee.post('/training/days', { placementId: String(placements[i % 2]), week, ...weekDays([1]) }, csrf),
        ),
      );
      expect(split.filter((r) => r.statusCode === 303)).toHaveLength(1);
      const rows = await t.database.db
        .selectFrom('placement_days')
        .select(['date', 'halves'])
        .where('trainee_id', '=', traineeId)
        .execute();
      const byDate = new Map<string, number>();
      for (const r of rows) byDate.set(r.date, (byDate.get(r.date) ?? 0) + r.halves);
      expect([...byDate.values()].every((h) => h <= 2)).toBe(true);
      expect(byDate.get(week)).toBe(2);
      expect(byDate.get(addDays(week, 1))).toBe(2);
    });

    it(`${RACE} confirmations of one week: confirmed once, audited once`, async () => {
      const csrf = await mentor.csrf(`/mentor/trainees/${traineeId}`);
      const results = await Promise.all(
        at(RACE).map(() => mentor.post(`/mentor/trainees/${traineeId}/weeks/${week}`, { action: 'confirm' }, csrf)),
      );
      expect(results.filter((r) => r.statusCode === 303)).toHaveLength(1);
      expect(results.every((r) => r.statusCode === 303 || r.statusCode === 400)).toBe(true);
      const audits = await t.database.db
        .selectFrom('audit_events')
        .select('id')
        .where('action', '=', 'confirm-week')
        .execute();
      expect(audits).toHaveLength(1);
      const summary = await t.database.db
        .selectFrom('trainees')
        .select('confirmed_halves')
        .where('id', '=', traineeId)
        .executeTakeFirstOrThrow();
      expect(summary.confirmed_halves).toBe(4);
    });

    it(`${RACE} resolutions of one queried day: resolved once`, async () => {
      const pcsrf = await trainee.csrf(`/training/days?placement=${placements[0]}&week=${week}`);
      expect(
        (await trainee.post('/training/days', { placementId: String(placements[0]), week, ...weekDays([2]) }, pcsrf))
          .statusCode,
      ).toBe(303);
      const csrf = await mentor.csrf(`/mentor/trainees/${traineeId}`);
      expect(
        (await mentor.post(`/mentor/trainees/${traineeId}/weeks/${week}`, { action: 'query', reason: 'Check' }, csrf))
          .statusCode,
      ).toBe(303);
      const day = await t.database.db
        .selectFrom('placement_days')
        .select('id')
        .where('status', '=', 'queried')
        .executeTakeFirstOrThrow();
      const rcsrf = await provider.csrf(`/provider/trainees/${traineeId}`);
      const results = await Promise.all(
        at(RACE).map((i) =>
          provider.post(
            `/provider/trainees/${traineeId}/days/${day.id}`,
            { action: i % 2 ? 'confirm' : 'remove', reason: 'Checked' },
            rcsrf,
          ),
        ),
      );
      expect(results.filter((r) => r.statusCode === 303)).toHaveLength(1);
      const audits = await t.database.db
        .selectFrom('audit_events')
        .select('id')
        .where('action', 'in', ['confirm-queried-day', 'remove-queried-day'])
        .execute();
      expect(audits).toHaveLength(1);
    });

    it(`${RACE} deferrals at once: one state change, one email`, async () => {
      const csrf = await provider.csrf(`/provider/trainees/${traineeId}/status/defer`);
      const today = localToday('Europe/London');
      const results = await Promise.all(
        at(RACE).map(() =>
          provider.post(
            `/provider/trainees/${traineeId}/status/defer`,
            {
              'date-day': String(Number(today.slice(8))),
              'date-month': String(Number(today.slice(5, 7))),
              'date-year': today.slice(0, 4),
              reason: 'Race',
            },
            csrf,
          ),
        ),
      );
      expect(results.filter((r) => r.statusCode === 303)).toHaveLength(1);
      expect(results.every((r) => r.statusCode === 303 || r.statusCode === 400)).toBe(true);
      expect(
        await t.database.db.selectFrom('outbox').select('id').where('template', '=', 'training-deferred').execute(),
      ).toHaveLength(1);
    });
  });
}
