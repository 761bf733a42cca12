import { govukDate } from '../../shared/dates.ts';
import { dayName, isIsoDate } from '../../shared/local-dates.ts';

/**
 * The placement-day log's rules, pure: what a trainee may log for a placement on a date.
 * The database enforces the same limits under concurrency (one row per placement and date;
 * the trainee's row locked while a week is saved).
 */
export const DAY_KINDS = {
  teaching: 'Teaching',
  observing: 'Observing',
  'intensive-training': 'Intensive training and practice',
  'other-school-based': 'Other school-based',
} as const;
export type DayKind = keyof typeof DAY_KINDS;
export const DAY_KIND_IDS = Object.keys(DAY_KINDS) as [DayKind, ...DayKind[]];

export const PORTIONS = { full: 'Full day', half: 'Half day' } as const;
export type Portion = keyof typeof PORTIONS;
export const halvesOf = (p: Portion): number => (p === 'full' ? 2 : 1);

export const DAY_STATUSES = {
  logged: 'Awaiting mentor',
  confirmed: 'Confirmed',
  queried: 'Queried by mentor',
} as const;
export type DayStatus = keyof typeof DAY_STATUSES;

/** A date as people read it: "Monday 2 March 2026". */
export const longDate = (date: string): string => `${dayName(date)} ${govukDate(date)}`;

export interface DayEntry {
  date: string;
  portion: Portion;
  kind: DayKind;
  note: string;
}

export interface Placement {
  id: number;
  startDate: string;
  endDate: string;
}

export interface LoggedDay {
  placementId: number;
  date: string;
  halves: number;
}

/** Why a day cannot be logged, in plain words; null when it can. */
export function dayProblem(
  entry: Pick<DayEntry, 'date' | 'portion'>,
  placement: Placement,
  today: string,
  logged: readonly LoggedDay[],
): string | null {
  if (!isIsoDate(entry.date)) return 'Enter a real date';
  const when = longDate(entry.date);
  if (entry.date > today) return `${when} is in the future: log a day once it has happened`;
  if (entry.date < placement.startDate || entry.date > placement.endDate)
    return `${when} is outside this placement (${govukDate(placement.startDate)} to ${govukDate(placement.endDate)})`;
  if (logged.some((d) => d.placementId === placement.id && d.date === entry.date))
    return `You have already logged ${when} for this placement`;
  const elsewhere = logged.filter((d) => d.date === entry.date).reduce((sum, d) => sum + d.halves, 0);
  if (elsewhere + halvesOf(entry.portion) > 2)
    return `You cannot log more than one full day on ${when}: you have logged time at another placement that day`;
  return null;
}
