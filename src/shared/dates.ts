/** Dates as people read them, from one formatter. Plain dates (YYYY-MM-DD) are never shifted by a zone. */
export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** Today's date in UTC, as YYYY-MM-DD. */
export const today = (now = new Date()): string => now.toISOString().slice(0, 10);

/** "30 November 2026" from a plain date or an ISO timestamp (its UTC date). */
export function govukDate(value: string | null | undefined): string {
  if (!value) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!m) return value;
  const month = MONTHS[Number(m[2]) - 1];
  return month ? `${Number(m[3])} ${month} ${m[1]}` : value;
}
