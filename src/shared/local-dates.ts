import tzlookup from '@photostructure/tz-lookup';

/**
 * Plain dates ("2026-11-30") in a place's own time zone. A placement day is the school's
 * local date: "today" and "this week" are asked of the school's zone, never the server's.
 * Arithmetic is done on UTC midnights, so no daylight-saving change can shift a date.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date in YYYY-MM-DD form (not 2026-02-30). */
export function isIsoDate(value: string): boolean {
  const m = ISO.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

const toUtc = (date: string) => new Date(`${date}T00:00:00Z`);
const fromUtc = (d: Date) => d.toISOString().slice(0, 10);

export const addDays = (date: string, n: number): string => fromUtc(new Date(toUtc(date).getTime() + n * 86_400_000));

/** Days from a to b (b − a). */
export const daysBetween = (a: string, b: string): number =>
  Math.round((toUtc(b).getTime() - toUtc(a).getTime()) / 86_400_000);

/** 0 Monday … 6 Sunday. */
export const weekdayIndex = (date: string): number => (toUtc(date).getUTCDay() + 6) % 7;

/** The Monday of the week (Monday to Sunday) a date falls in. */
export const weekStart = (date: string): string => addDays(date, -weekdayIndex(date));

export const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
export const dayName = (date: string): string => DAY_NAMES[weekdayIndex(date)]!;

// Making a formatter costs far more than using one: one a zone, kept.
const todayFormats = new Map<string, Intl.DateTimeFormat>();

/** The date it is now in a time zone. */
export function localToday(timeZone: string, now = new Date()): string {
  let format = todayFormats.get(timeZone);
  if (!format) {
    // en-CA formats as YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    todayFormats.set(timeZone, format);
  }
  return format.format(now);
}

/**
 * The latest date that is today somewhere on Earth (UTC+14). A date someone records as "today or
 * in the past" (a lesson, a review, a training day) may be today where they are, ahead of London.
 */
export const todaySomewhere = (now = new Date()): string => localToday('Pacific/Kiritimati', now);

/** The IANA time zone at a point (offline look-up); "UTC" for a point it cannot place. */
export function timeZoneAt(lat: number, lon: number): string {
  try {
    return tzlookup(lat, lon);
  } catch {
    return 'UTC';
  }
}

/** Whether a string names a time zone this runtime knows. */
export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
