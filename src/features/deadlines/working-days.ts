import { addDays, weekdayIndex } from '../../shared/local-dates.ts';
import { englandBankHolidays, type BankHolidays } from './bank-holidays.ts';

/**
 * Working days in England: Monday to Friday, not a bank holiday in England and Wales.
 * Plain dates (YYYY-MM-DD) only: which date it is, and in which zone, is the caller's question.
 * Pure: the bank holidays are passed in (the shipped GOV.UK list by default).
 */
export function isWorkingDay(date: string, holidays: BankHolidays = englandBankHolidays()): boolean {
  return weekdayIndex(date) < 5 && !holidays.dates.has(date);
}

/**
 * The date `n` working days after `date` (n ≥ 1): the day itself does not count, whether or
 * not it is a working day. Submitted on Friday 24 December 2027, 2 working days on is
 * Thursday 30 December (the 25th–28th are a weekend and two bank holidays).
 */
export function addWorkingDays(date: string, n: number, holidays: BankHolidays = englandBankHolidays()): string {
  if (!Number.isInteger(n) || n < 1) throw new RangeError('Add at least one working day');
  let day = date;
  let left = n;
  while (left > 0) {
    day = addDays(day, 1);
    if (isWorkingDay(day, holidays)) left--;
  }
  return day;
}

/**
 * The date `n` working days before `date` (n ≥ 1), for reminders: 1 working day before
 * Tuesday 30 March 2027 (after Easter Monday) is Thursday 25 March, the day before Good Friday.
 */
export function subtractWorkingDays(date: string, n: number, holidays: BankHolidays = englandBankHolidays()): string {
  if (!Number.isInteger(n) || n < 1) throw new RangeError('Subtract at least one working day');
  let day = date;
  let left = n;
  while (left > 0) {
    day = addDays(day, -1);
    if (isWorkingDay(day, holidays)) left--;
  }
  return day;
}

/** Working days after `from` up to and including `to` (0 when `to` is not after `from`). */
export function workingDaysBetween(from: string, to: string, holidays: BankHolidays = englandBankHolidays()): number {
  let count = 0;
  for (let day = addDays(from, 1); day <= to; day = addDays(day, 1)) if (isWorkingDay(day, holidays)) count++;
  return count;
}

/** Whether working days counted up to this date know every bank holiday on the way. */
export function holidaysKnownFor(date: string, holidays: BankHolidays = englandBankHolidays()): boolean {
  return date >= holidays.knownFrom && date <= holidays.knownUntil;
}
