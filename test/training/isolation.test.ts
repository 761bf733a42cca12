import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSampleData } from '../../src/features/placement-schools/sample.ts';
import { inviteMentor, logDays, mentorTrainee, startTraining } from '../../src/features/training/repository.ts';
import { addDays, localToday } from '../../src/shared/local-dates.ts';
import { candidateScope, mentorScope, providerScope } from '../../src/shared/scope.ts';
import { startTestApp, type FormClient, type TestApp } from '../helpers/app.ts';
import { engines } from '../helpers/databases.ts';
import { partnerSchool, providerIdOf, recruitedCandidate, signInAs } from '../helpers/training.ts';

/**
 * Who sees a trainee: the trainee (their own record only, with no id to guess), their
 * mentors while the placement lasts and 30 days after, and their provider. Everyone else
 * is told the page does not exist.
 */
for (const engine of engines) {
  describe.skipIf(engine.skip)(`training isolation (${engine.name})`, () => {
    let t: TestApp;
    let traineeId: number;
    let otherPlacement: number;
    let trainee: FormClient;
    let endedMentorUser: number;
    const today = localToday('Africa/Lagos');

    beforeAll(async () => {
      t = await startTestApp({ engine: engine.name });
      const db = t.database.db;
      await seedSampleData(db, 0);
      const providerId = await providerIdOf(db, 'sample-provider-worldwide-online');
      const school = await partnerSchool(db, providerId, 'Isolation School', 'Lagos', 'NG');
      const provider = await signInAs(t, 'sample.provider1@example.com');
      const staff = await db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'sample.provider1@example.com')
        .executeTakeFirstOrThrow();
      const scope = providerScope(staff.id, 'manage-trainees', [providerId]);
      const mentors: number[] = [];
      for (const email of ['current.mentor@example.org', 'ended.mentor@example.org', 'other.mentor@example.org']) {
        const m = await inviteMentor(
          db,
          scope,
          { providerId, schoolId: school.id, name: email, email, role: 'general', trainedOn: '2025-01-01' },
          'http://localhost',
        );
        if (!m.ok) throw new Error(m.message);
        mentors.push(m.value);
      }
      const ids: number[] = [];
      for (const [i, email] of ['iso.one@example.org', 'iso.two@example.org'].entries()) {
        const { candidate, reference } = await recruitedCandidate(t, provider, email);
        if (i === 0) trainee = candidate;
        const app = await db
          .selectFrom('applications')
          .select('id')
          .where('reference', '=', reference)
          .executeTakeFirstOrThrow();
        const started = await startTraining(
          db,
          scope,
          {
            applicationId: app.id,
            startDate: addDays(today, -200),
            expectedEndDate: addDays(today, 100),
            studyMode: 'full-time',
            daysPerWeek: 5,
            ageRange: '5 to 11',
            subjects: ['Primary'],
            trainingCountry: 'NG',
            criteriaVersion: '2025-04',
            // The first trainee's first placement is current; the second's is with the "other" mentor.
            placement: {
              mentorId: mentors[i === 0 ? 0 : 2]!,
              startDate: addDays(today, -200),
              endDate: addDays(today, 100),
            },
          },
          'http://localhost',
        );
        if (!started.ok) throw new Error(started.message);
        ids.push(started.value);
      }
      traineeId = ids[0]!;
      // An earlier placement of the first trainee, with the "ended" mentor, that ended 31 days ago.
      await db
        .insertInto('placements')
        .values({
          trainee_id: traineeId,
          school_id: school.id,
          mentor_id: mentors[1]!,
          start_date: addDays(today, -200),
          end_date: addDays(today, -31),
          time_zone: 'Africa/Lagos',
          created_at: new Date().toISOString(),
        })
        .execute();
      otherPlacement = (
        await db.selectFrom('placements').select('id').where('trainee_id', '=', ids[1]!).executeTakeFirstOrThrow()
      ).id;
      endedMentorUser = (
        await db
          .selectFrom('users')
          .select('id')
          .where('email', '=', 'ended.mentor@example.org')
          .executeTakeFirstOrThrow()
      ).id;
    }, 180_000);
    afterAll(async () => t?.close());

    it('a mentor sees their trainee; a mentor of another trainee does not', async () => {
      const current = await signInAs(t, 'current.mentor@example.org');
      expect((await current.get(`/mentor/trainees/${traineeId}`)).statusCode).toBe(200);
      const other = await signInAs(t, 'other.mentor@example.org');
      expect((await other.get(`/mentor/trainees/${traineeId}`)).statusCode).toBe(404);
      expect((await other.get('/mentor')).body).not.toContain('iso.one');
    });

    it('a mentor keeps access for 30 days after the placement ends, and not a day more', async () => {
      const ended = await signInAs(t, 'ended.mentor@example.org');
      expect((await ended.get(`/mentor/trainees/${traineeId}`)).statusCode).toBe(404);
      const scope = mentorScope(endedMentorUser);
      const lagosNoon = (date: string) => new Date(`${date}T11:00:00Z`);
      // On the 30th day after the end (in the school's zone) the mentor still sees the trainee.
      expect(await mentorTrainee(t.database.db, scope, traineeId, lagosNoon(addDays(today, -1)))).toBeDefined();
      expect(await mentorTrainee(t.database.db, scope, traineeId, lagosNoon(today))).toBeUndefined();
    });

    it('a trainee reaches only their own placements, whatever they put in the address or the form', async () => {
      expect((await trainee.get(`/training/days?placement=${otherPlacement}`)).statusCode).toBe(404);
      const csrf = await trainee.csrf('/training/days');
      const res = await trainee.post(
        '/training/days',
        { placementId: String(otherPlacement), week: addDays(today, -7), 'portion-0': 'full', 'kind-0': 'teaching' },
        csrf,
      );
      expect(res.statusCode).toBe(404);
      const result = await logDays(t.database.db, candidateScope(-1), {
        placementId: otherPlacement,
        entries: [{ date: today, portion: 'full', kind: 'teaching', note: '' }],
      });
      expect(result.ok).toBe(false);
      expect(await t.database.db.selectFrom('placement_days').select('id').execute()).toHaveLength(0);
    });

    it('a candidate without a training record, and other roles, find no training pages', async () => {
      const someone = await signInAs(t, 'no.training@example.org');
      for (const url of ['/training', '/training/days', '/training/reflections/new'])
        expect((await someone.get(url)).statusCode, url).toBe(404);
      const provider = await signInAs(t, 'sample.provider1@example.com');
      expect((await provider.get('/training')).statusCode).toBe(404);
      expect((await provider.get('/mentor')).statusCode).toBe(404);
      const mentor = await signInAs(t, 'current.mentor@example.org');
      expect((await mentor.get('/provider/trainees')).statusCode).toBe(404);
      expect((await mentor.get('/training')).statusCode).toBe(404);
    });
  });
}
