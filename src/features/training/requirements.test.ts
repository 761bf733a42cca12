import { describe, expect, it } from 'vitest';
import { addDays, localToday, timeZoneAt, weekStart } from '../../shared/local-dates.ts';
import { dayProblem } from './day-log.ts';
import fc from 'fast-check';
import {
  CRITERIA_VERSIONS,
  behindPace,
  criteriaFor,
  dayNumber,
  progress,
  projection,
  type DayForProgress,
} from './requirements.ts';

/** n consecutive weekdays from a Monday, as confirmed full days. */
function weekdays(monday: string, weeks: number, perWeek = 5, halves = 2): DayForProgress[] {
  const out: DayForProgress[] = [];
  for (let w = 0; w < weeks; w++)
    for (let d = 0; d < perWeek; d++) out.push({ date: addDays(monday, w * 7 + d), halves, status: 'confirmed' });
  return out;
}

const base = {
  daysPerWeek: 5,
  policyWeekDays: null,
  startDate: '2025-09-01',
  expectedEndDate: '2026-05-31',
  today: '2026-06-30',
};

describe('the criteria in force when a course started', () => {
  it('keeps the pilot-era 120 days for a course that started before 7 April 2025', () => {
    expect(criteriaFor('2024-09-02')).toBe('pilot');
    expect(criteriaFor('2025-04-06')).toBe('pilot');
    expect(CRITERIA_VERSIONS.pilot.requirement).toEqual({ unit: 'days', count: 120 });
  });
  it('uses 24 weeks from 7 April 2025', () => {
    expect(criteriaFor('2025-04-07')).toBe('2025-04');
    expect(criteriaFor('2026-09-01')).toBe('2025-04');
    expect(CRITERIA_VERSIONS['2025-04'].requirement).toEqual({ unit: 'weeks', count: 24 });
  });
});

describe('days and weeks against the requirement', () => {
  for (const criteria of ['pilot', '2025-04'] as const) {
    for (const mode of [
      { daysPerWeek: 5, perWeek: 5 },
      { daysPerWeek: 3, perWeek: 3 },
    ]) {
      it(`${criteria}, ${mode.daysPerWeek} contracted days: met exactly at the requirement, not a day before`, () => {
        const unit = CRITERIA_VERSIONS[criteria].requirement;
        // Enough weeks for the requirement in either unit.
        const weeks = unit.unit === 'weeks' ? unit.count : Math.ceil(unit.count / mode.perWeek);
        const all = weekdays('2025-09-01', weeks, mode.perWeek);
        const needed = unit.unit === 'weeks' ? all.length : unit.count;
        const just = progress({ ...base, criteria, daysPerWeek: mode.daysPerWeek, days: all.slice(0, needed) });
        expect(just.met).toBe(true);
        expect(just.achieved).toBe(unit.count);
        const short = progress({ ...base, criteria, daysPerWeek: mode.daysPerWeek, days: all.slice(0, needed - 1) });
        expect(short.met).toBe(false);
        expect(short.achieved).toBe(unit.count - (unit.unit === 'weeks' ? 1 : 1));
      });
    }
  }

  it('counts a week only when its confirmed days reach the contracted days', () => {
    const four = weekdays('2025-09-01', 1, 4);
    expect(progress({ ...base, criteria: '2025-04', days: four }).countedWeeks).toBe(0);
    expect(progress({ ...base, criteria: '2025-04', daysPerWeek: 4, days: four }).countedWeeks).toBe(1);
  });

  it('lets a cohort policy set the days that make a week count', () => {
    const three = weekdays('2025-09-01', 2, 3);
    const p = progress({ ...base, criteria: '2025-04', policyWeekDays: 3, days: three });
    expect(p.countedWeeks).toBe(2);
    expect(p.weekThreshold).toBe(3);
  });

  it('counts half days as halves, towards days and towards a week', () => {
    const halves = weekdays('2025-09-01', 1, 5, 1);
    const p = progress({ ...base, criteria: 'pilot', days: halves });
    expect(p.confirmedDays).toBe(2.5);
    expect(progress({ ...base, criteria: '2025-04', days: halves }).countedWeeks).toBe(0);
    const tenHalves = [...halves, ...halves.map((d) => ({ ...d, date: addDays(d.date, 0) }))];
    expect(progress({ ...base, criteria: '2025-04', days: tenHalves }).countedWeeks).toBe(1);
  });

  it('weeks run Monday to Sunday: five days from a Thursday span two weeks and count in neither', () => {
    const wedToSun = [0, 1, 2, 3, 4].map((i) => ({
      date: addDays('2025-09-04', i),
      halves: 2,
      status: 'confirmed' as const,
    }));
    const p = progress({ ...base, criteria: '2025-04', days: wedToSun });
    expect(p.countedWeeks).toBe(0);
    expect(p.weeks.find((w) => w.start === '2025-09-01')?.confirmedDays).toBe(4);
    expect(p.weeks.find((w) => w.start === '2025-09-08')?.confirmedDays).toBe(1);
    // Monday 8 September starts a new week.
    expect(weekStart('2025-09-07')).toBe('2025-09-01');
    expect(weekStart('2025-09-08')).toBe('2025-09-08');
  });

  it('counts only confirmed days; queried and awaiting days are reported apart', () => {
    const days: DayForProgress[] = [
      { date: '2025-09-01', halves: 2, status: 'confirmed' },
      { date: '2025-09-02', halves: 2, status: 'queried' },
      { date: '2025-09-03', halves: 1, status: 'logged' },
    ];
    const p = progress({ ...base, criteria: 'pilot', days });
    expect(p.confirmedDays).toBe(1);
    expect(p.queriedDays).toBe(1);
    expect(p.awaitingDays).toBe(0.5);
  });

  it('a date counts at most one day, even across two placements', () => {
    const days: DayForProgress[] = [
      { date: '2025-09-01', halves: 2, status: 'confirmed' },
      { date: '2025-09-01', halves: 1, status: 'confirmed' },
    ];
    expect(progress({ ...base, criteria: 'pilot', days }).confirmedDays).toBe(1);
  });

  it('says when the requirement was met', () => {
    const days = weekdays('2025-09-01', 24);
    const p = progress({ ...base, criteria: '2025-04', days });
    expect(p.metOn).toBe(addDays('2025-09-01', 23 * 7 + 6));
    const pilot = progress({ ...base, criteria: 'pilot', days });
    expect(pilot.metOn).toBe(days[119]!.date);
  });
});

describe('pace and "behind"', () => {
  it('projects completion from the pace so far', () => {
    // 10 weeks in, 10 weeks counted: 14 more weeks at one a week.
    const p = projection({
      achieved: 10,
      required: 24,
      startDate: '2025-09-01',
      expectedEndDate: '2026-05-31',
      today: '2025-11-09',
    });
    expect(p.projectedCompletion).toBe(addDays('2025-11-03', 14 * 7 - 1));
    expect(p.behind).toBe(false);
  });
  it('is behind when the pace lands after the expected end, or there is no pace', () => {
    expect(
      projection({
        achieved: 2,
        required: 24,
        startDate: '2025-09-01',
        expectedEndDate: '2026-05-31',
        today: '2025-11-09',
      }).behind,
    ).toBe(true);
    const none = projection({
      achieved: 0,
      required: 24,
      startDate: '2025-09-01',
      expectedEndDate: '2026-05-31',
      today: '2025-09-03',
    });
    expect(none).toEqual({ projectedCompletion: null, behind: true });
  });
  it('gives the same "behind" in day numbers (the national figures) as projection()', () => {
    const date = fc
      .integer({ min: dayNumber('2020-01-01'), max: dayNumber('2032-12-31') })
      .map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500 }),
        fc.constantFrom(24, 120, 180),
        date,
        fc.integer({ min: 0, max: 800 }),
        fc.integer({ min: -30, max: 900 }),
        (halves, required, startDate, length, elapsed) => {
          const achieved = halves / 2;
          const today = addDays(startDate, elapsed);
          const same = (expectedEndDate: string) =>
            expect(
              behindPace(achieved, required, dayNumber(startDate), dayNumber(expectedEndDate), dayNumber(today)),
            ).toBe(projection({ achieved, required, startDate, expectedEndDate, today }).behind);
          same(addDays(startDate, length));
          // Either side of the projected completion, where the rule turns.
          const projected = projection({ achieved, required, startDate, expectedEndDate: startDate, today });
          if (projected.projectedCompletion)
            for (const d of [-1, 0, 1]) same(addDays(projected.projectedCompletion, d));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('local dates in the school’s time zone', () => {
  it('finds each school’s zone from its coordinates', () => {
    expect(timeZoneAt(-36.85, 174.76)).toBe('Pacific/Auckland');
    expect(timeZoneAt(21.31, -157.86)).toBe('Pacific/Honolulu');
    expect(timeZoneAt(6.45, 3.39)).toBe('Africa/Lagos');
  });
  it('one instant is two different dates in Auckland and Honolulu', () => {
    // 10:00 UTC on 30 November 2026: 11pm on the 30th in Auckland (UTC+13), midnight the 30th in Honolulu (UTC−10).
    const now = new Date('2026-11-30T10:00:00Z');
    expect(localToday('Pacific/Auckland', now)).toBe('2026-11-30');
    expect(localToday('Pacific/Honolulu', now)).toBe('2026-11-30');
    const later = new Date('2026-11-30T11:30:00Z');
    expect(localToday('Pacific/Auckland', later)).toBe('2026-12-01');
    expect(localToday('Pacific/Honolulu', later)).toBe('2026-11-30');
    const placement = { id: 1, startDate: '2026-09-01', endDate: '2027-06-30' };
    // At that instant an Auckland school may log 1 December; a Honolulu school may not yet.
    expect(
      dayProblem({ date: '2026-12-01', portion: 'full' }, placement, localToday('Pacific/Auckland', later), []),
    ).toBeNull();
    expect(
      dayProblem({ date: '2026-12-01', portion: 'full' }, placement, localToday('Pacific/Honolulu', later), []),
    ).toMatch(/in the future/);
  });
});

describe('what a trainee may log', () => {
  const placement = { id: 7, startDate: '2026-09-01', endDate: '2027-06-30' };
  const today = '2026-11-30';
  it('refuses future dates, dates outside the placement, repeats and more than a full day', () => {
    expect(dayProblem({ date: '2026-12-01', portion: 'full' }, placement, today, [])).toBe(
      'Tuesday 1 December 2026 is in the future: log a day once it has happened',
    );
    expect(dayProblem({ date: '2026-08-31', portion: 'full' }, placement, today, [])).toMatch(
      /^Monday 31 August 2026 is outside this placement \(1 September 2026 to 30 June 2027\)$/,
    );
    expect(
      dayProblem({ date: '2026-11-30', portion: 'half' }, placement, today, [
        { placementId: 7, date: '2026-11-30', halves: 1 },
      ]),
    ).toBe('You have already logged Monday 30 November 2026 for this placement');
    expect(
      dayProblem({ date: '2026-11-30', portion: 'full' }, placement, today, [
        { placementId: 8, date: '2026-11-30', halves: 1 },
      ]),
    ).toMatch(/more than one full day/);
    expect(
      dayProblem({ date: '2026-11-30', portion: 'half' }, placement, today, [
        { placementId: 8, date: '2026-11-30', halves: 1 },
      ]),
    ).toBeNull();
    expect(dayProblem({ date: '2026-02-30', portion: 'full' }, placement, today, [])).toBe('Enter a real date');
    expect(dayProblem({ date: '2026-11-30', portion: 'full' }, placement, today, [])).toBeNull();
  });
});

describe('a record with no days yet', () => {
  it('shows every week since the start with nothing confirmed', () => {
    const p = progress({ ...base, criteria: '2025-04', today: '2025-09-17', days: [] });
    expect(p.weeks.map((w) => w.start)).toEqual(['2025-09-01', '2025-09-08', '2025-09-15']);
    expect(p).toMatchObject({ achieved: 0, met: false, projectedCompletion: null, behind: true });
  });
});
