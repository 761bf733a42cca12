import { describe, expect, it } from 'vitest';
import { govukDate, govukDateTime, parseDateParts, parseMonth } from './dates.ts';

describe('dates as people read them', () => {
  it('shows a plain date and a timestamp’s date in the GOV.UK style', () => {
    expect(govukDate('2026-11-30')).toBe('30 November 2026');
    expect(govukDate('2026-03-01T23:59:00.000Z')).toBe('1 March 2026');
    expect(govukDate(null)).toBe('');
  });

  it('shows a time with its zone, in the GOV.UK style (2:05pm, 9am, midday, midnight)', () => {
    expect(govukDateTime('2026-11-30T14:05:00.000Z')).toBe('30 November 2026 at 2:05pm (UTC)');
    expect(govukDateTime('2026-11-30T09:00:00Z')).toBe('30 November 2026 at 9am (UTC)');
    expect(govukDateTime('2026-11-30T12:00:00Z')).toBe('30 November 2026 at midday (UTC)');
    expect(govukDateTime('2026-11-30T00:00:00Z')).toBe('30 November 2026 at midnight (UTC)');
    // SQLite's own timestamps have a space and no zone: they are UTC.
    expect(govukDateTime('2026-11-30 18:30:00')).toBe('30 November 2026 at 6:30pm (UTC)');
  });
});

describe('months as people type them', () => {
  it('takes numbers, names and abbreviations in any case', () => {
    for (const text of ['3', '03', 'Mar', 'mar', 'MAR', 'March', 'march', ' March ', 'Mar.'])
      expect(parseMonth(text), text).toBe(3);
    expect(parseMonth('Sept')).toBe(9);
    expect(parseMonth('sep')).toBe(9);
    expect(parseMonth('December')).toBe(12);
  });

  it('refuses what is not a month', () => {
    for (const text of ['', '0', '13', 'Ma', 'M', 'Marchh', 'Smarch', '3.5', '-1'])
      expect(parseMonth(text), text).toBeNull();
  });
});

describe('a date from its three parts', () => {
  it('accepts a real date with the month as a number or a word', () => {
    expect(parseDateParts('27', '3', '1990')).toBe('1990-03-27');
    expect(parseDateParts('27', 'Mar', '1990')).toBe('1990-03-27');
    expect(parseDateParts('1', 'february', '2000')).toBe('2000-02-01');
  });

  it('refuses dates that do not exist', () => {
    expect(parseDateParts('31', '2', '1990')).toBeNull();
    expect(parseDateParts('29', 'Feb', '1900')).toBeNull();
    expect(parseDateParts('29', 'Feb', '2000')).toBe('2000-02-29');
    expect(parseDateParts('1', '1', '90')).toBeNull();
    expect(parseDateParts('', 'March', '1990')).toBeNull();
  });
});
