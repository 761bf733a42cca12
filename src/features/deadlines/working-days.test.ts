import { describe, expect, it } from 'vitest';
import { englandBankHolidays } from './bank-holidays.ts';
import {
  addWorkingDays,
  holidaysKnownFor,
  isWorkingDay,
  subtractWorkingDays,
  workingDaysBetween,
} from './working-days.ts';

describe("England's bank holidays (shipped from the GOV.UK feed)", () => {
  it('has the England and Wales dates from 2025 to 2027, substitute days included', () => {
    const h = englandBankHolidays();
    for (const date of [
      '2025-01-01',
      '2025-04-18',
      '2025-04-21',
      '2025-12-26',
      '2026-04-03',
      '2026-04-06',
      '2026-12-25',
      '2026-12-28', // Boxing Day (substitute day): the 26th is a Saturday
      '2027-03-26',
      '2027-03-29',
      '2027-05-03',
      '2027-05-31',
      '2027-08-30',
      '2027-12-27', // Christmas Day (substitute day)
      '2027-12-28', // Boxing Day (substitute day)
    ])
      expect(h.dates.has(date), date).toBe(true);
    // Scotland's 2 January and St Andrew's Day are not England's.
    expect(h.dates.has('2026-01-02')).toBe(false);
    expect(h.dates.has('2026-11-30')).toBe(false);
    expect(h.knownUntil).toBe('2027-12-31');
  });
});

describe('working days in England', () => {
  it('weekends and bank holidays are not working days', () => {
    expect(isWorkingDay('2026-11-30')).toBe(true); // a Monday
    expect(isWorkingDay('2026-12-05')).toBe(false); // Saturday
    expect(isWorkingDay('2026-12-25')).toBe(false); // Christmas Day, a Friday
    expect(isWorkingDay('2026-12-28')).toBe(false); // Boxing Day substitute, a Monday
    expect(isWorkingDay('2027-03-26')).toBe(false); // Good Friday
  });

  it('over Christmas and New Year', () => {
    // Wednesday 23 December 2026: Thursday 24th, then Friday 25th, the weekend and Monday 28th are skipped.
    expect(addWorkingDays('2026-12-23', 1)).toBe('2026-12-24');
    expect(addWorkingDays('2026-12-23', 2)).toBe('2026-12-29');
    expect(addWorkingDays('2026-12-23', 3)).toBe('2026-12-30');
    // New Year's Day 2027 is a Friday.
    expect(addWorkingDays('2026-12-31', 1)).toBe('2027-01-04');
    // Christmas 2027 falls on a weekend: Monday 27th and Tuesday 28th are the substitute days.
    expect(addWorkingDays('2027-12-24', 2)).toBe('2027-12-30');
    expect(subtractWorkingDays('2027-12-29', 1)).toBe('2027-12-24');
    expect(workingDaysBetween('2027-12-24', '2027-12-31')).toBe(3);
  });

  it('over Easter', () => {
    // Easter 2026: Good Friday 3 April, Easter Monday 6 April.
    expect(addWorkingDays('2026-04-02', 1)).toBe('2026-04-07');
    // Easter 2027: Good Friday 26 March, Easter Monday 29 March.
    expect(addWorkingDays('2027-03-25', 1)).toBe('2027-03-30');
    expect(subtractWorkingDays('2027-03-30', 1)).toBe('2027-03-25');
    expect(subtractWorkingDays('2027-03-30', 2)).toBe('2027-03-24');
    expect(workingDaysBetween('2027-03-25', '2027-03-30')).toBe(1);
  });

  it('a day that is not a working day does not count as the first', () => {
    // Submitted on Saturday 5 December 2026: the first working day after is Monday 7th.
    expect(addWorkingDays('2026-12-05', 1)).toBe('2026-12-07');
    expect(() => addWorkingDays('2026-12-05', 0)).toThrow(RangeError);
  });

  it('says when a count runs past the years the feed covers', () => {
    expect(holidaysKnownFor('2027-12-31')).toBe(true);
    expect(holidaysKnownFor('2028-01-03')).toBe(false);
  });

  it('adding then counting back gives the same number of working days (every start in 2025–2027)', () => {
    for (let day = Date.UTC(2025, 0, 1); day < Date.UTC(2027, 11, 1); day += 86_400_000 * 3) {
      const start = new Date(day).toISOString().slice(0, 10);
      for (const n of [1, 2, 10, 20]) {
        const end = addWorkingDays(start, n);
        expect(isWorkingDay(end)).toBe(true);
        expect(workingDaysBetween(start, end)).toBe(n);
      }
    }
  });
});
