import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOversightLoad, type OversightLoadResult } from '../../bench/scenarios/oversight-data.ts';
import { progress, type CriteriaVersionId, type DayForProgress } from '../../src/features/training/requirements.ts';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.ts';

const TODAY = '2026-11-30';

for (const engine of engines) {
  describe.skipIf(engine.skip)(`the dashboard's load generator (${engine.name})`, () => {
    let database: TestDatabase;
    let result: OversightLoadResult;
    const rows = async <R>(query: ReturnType<typeof sql<R>>) => (await query.execute(database.db)).rows;
    const one = async (query: ReturnType<typeof sql<{ n: number | string }>>) => Number((await rows(query))[0]!.n);

    beforeAll(async () => {
      database = await openTestDatabase(engine.name);
      result = await seedOversightLoad(database, {
        applications: 1000,
        trainees: 100,
        daysPerTrainee: 30,
        today: TODAY,
      });
    }, 120_000);
    afterAll(async () => database?.dispose());

    it('writes the rows asked for, all labelled sample data', async () => {
      expect(result.rows).toMatchObject({ applications: 1000, trainees: 100, placements: 100, providers: 24 });
      expect(await one(sql`select count(*) as n from applications where status = 'recruited'`)).toBe(100);
      expect(await one(sql`select count(*) as n from trainees`)).toBe(100);
      expect(await one(sql`select count(*) as n from providers where is_sample = 0 and slug like 'sample-load%'`)).toBe(
        0,
      );
      expect(await one(sql`select count(*) as n from users where is_sample = 0`)).toBe(0);
      expect(await one(sql`select count(*) as n from trainees where is_sample = 0`)).toBe(0);
      expect(result.rows.placementDays).toBe(await one(sql`select count(*) as n from placement_days`));
      expect(result.rows.awards).toBe(await one(sql`select count(*) as n from awards`));
      expect(result.rows.awards).toBeGreaterThan(0);
    });

    it('keeps the schema’s rules: foreign keys, one draft per candidate, no day in the future', async () => {
      if (engine.name === 'sqlite') expect(await rows(sql`pragma foreign_key_check`)).toEqual([]);
      expect(
        await one(
          sql`select count(*) as n from (select candidate_id from applications where status = 'draft' group by candidate_id having count(*) > 1) x`,
        ),
      ).toBe(0);
      expect(await one(sql`select count(*) as n from placement_days where date > ${TODAY}`)).toBe(0);
      expect(
        await one(sql`select count(*) as n from applications where status = 'draft' and submitted_at is not null`),
      ).toBe(0);
    });

    it('spreads statuses, countries, providers and months', async () => {
      const statuses = await rows<{ status: string }>(sql`select distinct status from applications`);
      expect(statuses.length).toBeGreaterThanOrEqual(9);
      expect(await one(sql`select count(distinct country) as n from applications`)).toBeGreaterThan(30);
      expect(await one(sql`select count(distinct provider_id) as n from applications`)).toBeGreaterThan(10);
      expect(await one(sql`select count(distinct substr(submitted_at, 1, 7)) as n from applications`)).toBeGreaterThan(
        30,
      );
      const states = await rows<{ state: string }>(sql`select distinct state from trainees`);
      expect(states.map((s) => s.state)).toEqual(expect.arrayContaining(['in-training', 'awarded', 'withdrawn']));
    });

    it('trains each trainee in its application’s country, at a school there', async () => {
      expect(
        await one(sql`select count(*) as n from trainees t join applications a on a.id = t.application_id
          join placements p on p.trainee_id = t.id join placement_schools s on s.id = p.school_id
          join mentors m on m.id = p.mentor_id
          where t.training_country <> a.country or s.country <> a.country or m.school_id <> s.id`),
      ).toBe(0);
    });

    it('fills the summary columns from the confirmed days, as the progress rule counts them', async () => {
      const mismatched = await one(sql`select count(*) as n from trainees t
        where t.confirmed_halves <> coalesce((select sum(halves) from placement_days d where d.trainee_id = t.id and d.status = 'confirmed'), 0)`);
      expect(mismatched).toBe(0);
      // A finished course has all 30 days; a full-time trainee's confirmed full weeks count.
      expect(
        await one(sql`select count(*) as n from trainees t where t.state = 'awarded'
          and (select count(*) from placement_days d where d.trainee_id = t.id) <> 30`),
      ).toBe(0);
      expect(
        await one(sql`select max(counted_weeks) as n from trainees where study_mode = 'full-time'`),
      ).toBeGreaterThanOrEqual(5);
    });

    it('gives the same confirmed days and counted weeks as the progress rule', async () => {
      const trainees = await rows<{
        id: number;
        days_per_week: number;
        start_date: string;
        expected_end_date: string;
        criteria_version: string;
        confirmed_halves: number;
        counted_weeks: number;
      }>(sql`select id, days_per_week, start_date, expected_end_date, criteria_version, confirmed_halves, counted_weeks
        from trainees order by id`);
      for (const t of trainees) {
        const days = await rows<DayForProgress>(
          sql`select date, halves, status from placement_days where trainee_id = ${t.id} order by date`,
        );
        const p = progress({
          criteria: t.criteria_version as CriteriaVersionId,
          daysPerWeek: t.days_per_week,
          policyWeekDays: null,
          startDate: t.start_date,
          expectedEndDate: t.expected_end_date,
          today: TODAY,
          days,
        });
        expect([Number(t.confirmed_halves), Number(t.counted_weeks)], `trainee ${t.id}`).toEqual([
          p.confirmedDays * 2,
          p.countedWeeks,
        ]);
      }
    });

    it('adds a second load after the first, filling the first-decision columns', async () => {
      const again = await seedOversightLoad(database, {
        applications: 50,
        trainees: 5,
        daysPerTrainee: 10,
        today: TODAY,
      });
      expect(again.rows).toMatchObject({ applications: 50, trainees: 5 });
      expect(await one(sql`select count(*) as n from applications`)).toBe(1050);
      const decided = await rows<{
        status: string;
        submitted_at: string;
        decided_at: string | null;
        decision_days: number | null;
      }>(
        sql`select status, submitted_at, decided_at, decision_days from applications where id > 1000
          and status in ('recruited', 'rejected', 'awaiting-decision')`,
      );
      expect(decided.length).toBeGreaterThan(5);
      for (const a of decided) {
        if (a.status === 'awaiting-decision') expect(a.decided_at).toBeNull();
        else {
          const days = (Date.parse(a.decided_at!) - Date.parse(a.submitted_at)) / 86_400_000;
          expect(Math.floor(days)).toBe(Number(a.decision_days));
        }
      }
    });
  });
}
