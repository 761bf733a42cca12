/**
 * Dates for interview tests that stay in the future whenever the tests run: computed from
 * today with plain UTC arithmetic, independently of the code under test.
 */
const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
const soon = (t: number, now: number) => t > now + 2 * DAY;

/** The next 16 March at least two days away: both London (GMT) and Auckland (NZDT) are before their clock changes. */
export function nextMarch16(now = Date.now()): string {
  const year = new Date(now).getUTCFullYear();
  const t = Date.UTC(year, 2, 16);
  return iso(soon(t, now) ? t : Date.UTC(year + 1, 2, 16));
}

/** The next last Sunday of a month (3: March, 10: October), when the UK's clocks change. */
export function nextLastSunday(month: number, now = Date.now()): string {
  for (const year of [new Date(now).getUTCFullYear(), new Date(now).getUTCFullYear() + 1]) {
    const last = new Date(Date.UTC(year, month, 0));
    const t = last.getTime() - last.getUTCDay() * DAY;
    if (soon(t, now)) return iso(t);
  }
  throw new Error('unreachable');
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
export const weekdayOf = (date: string): string => DAYS[new Date(`${date}T00:00:00Z`).getUTCDay()]!;
