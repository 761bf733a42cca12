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

/**
 * "30 November 2026 at 2:05pm (UTC)" from an ISO timestamp: where the time matters, the time and
 * its zone. The service does not know the reader's zone, so it names the one it shows.
 */
export function govukDateTime(value: string | Date | null | undefined): string {
  if (!value) return '';
  const date = value instanceof Date ? value : new Date(value.includes('T') ? value : value.replace(' ', 'T'));
  if (Number.isNaN(date.getTime())) return String(value);
  const iso = date.toISOString();
  const hours = date.getUTCHours();
  const minutes = date.getUTCMinutes();
  const time =
    hours === 0 && minutes === 0
      ? 'midnight'
      : hours === 12 && minutes === 0
        ? 'midday'
        : `${hours % 12 || 12}${minutes ? `:${String(minutes).padStart(2, '0')}` : ''}${hours < 12 ? 'am' : 'pm'}`;
  return `${govukDate(iso)} at ${time} (UTC)`;
}

/**
 * A month as people type it: a number (1 to 12, "03"), a name or an abbreviation ("Mar", "March",
 * "sept"), in any case. Null when it is none of these.
 */
export function parseMonth(text: string): number | null {
  const t = text.trim().toLowerCase().replace(/\.$/, '');
  if (/^\d{1,2}$/.test(t)) {
    const n = Number(t);
    return n >= 1 && n <= 12 ? n : null;
  }
  if (t.length < 3) return null;
  if (t === 'sept') return 9;
  const index = MONTHS.findIndex((m) => m.toLowerCase() === t || m.toLowerCase().slice(0, 3) === t);
  return index === -1 ? null : index + 1;
}

/** A real calendar date from its three typed parts, as YYYY-MM-DD; null when it is not one. */
export function parseDateParts(day: string, month: string, year: string): string | null {
  const d = day.trim();
  const y = year.trim();
  const m = parseMonth(month);
  if (!/^\d{1,2}$/.test(d) || !/^\d{4}$/.test(y) || m === null) return null;
  const date = new Date(Date.UTC(Number(y), m - 1, Number(d)));
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== Number(d))
    return null;
  return date.toISOString().slice(0, 10);
}
