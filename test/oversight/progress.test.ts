import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nationalFigures, PROGRESS_BANDS } from '../../src/features/oversight/figures.ts';
import type { Filters } from '../../src/features/oversight/filters.ts';
import { loadReferenceProviders } from '../../src/features/providers/reference-data.ts';
import { random } from '../../src/features/placement-schools/sample.ts';
import {
  behindPace,
  CRITERIA_VERSIONS,
  criteriaFor,
  dayNumber,
  projection,
} from '../../src/features/training/requirements.ts';
import { cohortOf } from '../../src/features/training/repository.ts';
import { addDays } from '../../src/shared/local-dates.ts';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.ts';
import { applicationRow } from '../helpers/oversight.ts';

const everything: Filters = { providerId: null, country: null, cohort: null, from: null, to: null };
const STAMP = '2026-03-01T09:00:00.000Z';
const DAYS = ['2024-05-01', '2025-03-12', '2026-11-30', '2027-08-15'];

/**
 * The dashboard's progress figure is counted by the database (one row per band and "behind"),
 * the trainee's own page by `projection()` in TypeScript: on a few hundred varied trainees the
 * two must agree exactly, on both engines and on several days.
 */
for (const engine of engines) {
  describe.skipIf(engine.skip)(`progress against the requirement, counted by the database (${engine.name})`, () => {
    let database: TestDatabase;
    const rows: {
      version: keyof typeof CRITERIA_VERSIONS;
      halves: number;
      weeks: number;
      start: string;
      end: string;
    }[] = [];

    beforeAll(async () => {
      database = await openTestDatabase(engine.name);
      const db = database.db;
      await loadReferenceProviders(db);
      const provider = await db.selectFrom('providers').select('id').orderBy('id').executeTakeFirstOrThrow();
      const rand = random(42);
      for (let i = 0; i < 240; i++) {
        const start = addDays('2024-06-03', Math.floor(rand() * 900));
        let end = addDays(start, 120 + Math.floor(rand() * 400));
        const version = criteriaFor(start);
        // Every share of the requirement, the edges of the bands included.
        const halves = i % 8 === 0 ? [0, 60, 120, 180, 240][i % 5]! : Math.floor(rand() * 260);
        const weeks = i % 8 === 0 ? [0, 6, 12, 18, 24][i % 5]! : Math.floor(rand() * 27);
        // Half of them end the day before, on or after their projected completion on one of
        // the days: where "behind" turns.
        if (i % 2 === 1) {
          const { unit, count: required } = CRITERIA_VERSIONS[version].requirement;
          const achieved = unit === 'days' ? halves / 2 : weeks;
          const { projectedCompletion } = projection({
            achieved,
            required,
            startDate: start,
            expectedEndDate: start,
            today: DAYS[Math.floor(i / 2) % DAYS.length]!,
          });
          if (projectedCompletion) end = addDays(projectedCompletion, (i % 3) - 1);
        }
        const { candidateId, applicationId } = await applicationRow(db, `p${i}`, {
          providerId: provider.id,
          status: 'recruited',
          submittedAt: STAMP,
        });
        await db
          .insertInto('trainees')
          .values({
            application_id: applicationId,
            provider_id: provider.id,
            candidate_id: candidateId,
            name: `Progress Trainee ${i}`,
            state: i % 11 === 0 ? 'deferred' : 'in-training',
            start_date: start,
            expected_end_date: end,
            study_mode: 'full-time',
            days_per_week: 5,
            age_range: '11 to 16',
            subjects: '["Mathematics"]',
            training_country: 'NG',
            criteria_version: version,
            cohort: cohortOf(start),
            confirmed_halves: halves,
            counted_weeks: weeks,
            updated_at: STAMP,
            created_at: STAMP,
          })
          .execute();
        if (i % 11 !== 0) rows.push({ version, halves, weeks, start, end });
      }
    }, 180_000);
    afterAll(async () => database?.dispose());

    for (const day of DAYS) {
      it(`on ${day}: every band's trainees and those behind equal the pace rule applied to each`, async () => {
        const expected = PROGRESS_BANDS.map(() => ({ trainees: 0, behind: 0 }));
        for (const r of rows) {
          const { unit, count: required } = CRITERIA_VERSIONS[r.version].requirement;
          const achieved = unit === 'days' ? r.halves / 2 : r.weeks;
          const band = expected[PROGRESS_BANDS.findIndex((b) => achieved / required >= b.min)]!;
          band.trainees++;
          if (behindPace(achieved, required, dayNumber(r.start), dayNumber(r.end), dayNumber(day))) band.behind++;
        }
        const figures = await nationalFigures(database.db, everything, new Date(`${day}T12:00:00Z`));
        expect(figures.progress.inTraining).toBe(rows.length);
        expect(figures.progress.bands.map((b) => ({ trainees: b.trainees, behind: b.behind }))).toEqual(expected);
        // Not a degenerate data set: some behind, some on track, in more than one band.
        const behind = expected.reduce((a, b) => a + b.behind, 0);
        expect(behind).toBeGreaterThan(0);
        expect(behind).toBeLessThan(rows.length);
        expect(expected.filter((b) => b.trainees > 0).length).toBeGreaterThan(2);
      });
    }
  });
}
