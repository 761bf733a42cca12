import { getCountry } from 'countries-and-timezones';
import { isTimeZone, timeZoneAt } from './local-dates.ts';

/**
 * Moments (an interview, a deadline) are stored as UTC ISO text and shown in the reader's
 * own time zone, named with its offset: "10:00am Gulf Standard Time (UTC+4)". Plain dates
 * (a placement day, a date of birth) are not moments and never pass through here.
 * Zones are IANA names, as the runtime's Intl knows them; nothing here is a hand-made table.
 */

/** Where a provider user works unless they say otherwise. */
export const ENGLAND = 'Europe/London';

const partsFormats = new Map<string, Intl.DateTimeFormat>();
function partsFormat(zone: string): Intl.DateTimeFormat {
  let format = partsFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormats.set(zone, format);
  }
  return format;
}

/** The wall-clock reading in a zone at an instant. */
export interface WallClock {
  date: string; // YYYY-MM-DD
  time: string; // HH:MM
}

function wallParts(zone: string, instant: Date): number[] {
  const parts = Object.fromEntries(
    partsFormat(zone)
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return [parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second].map(Number);
}

/**
 * Offsets already worked out, by zone and instant: a deadline's day is looked up in the
 * same few instants by every step taken that day, and asking Intl costs far more than this.
 */
const offsets = new Map<string, number>();
const MOST_OFFSETS = 10_000;

/** The zone's offset from UTC at an instant, in minutes (Kathmandu +345, Santiago in winter −240). */
export function offsetMinutes(zone: string, instant: Date): number {
  const key = `${zone}|${instant.getTime()}`;
  const known = offsets.get(key);
  if (known !== undefined) return known;
  const [y, mo, d, h, mi, s] = wallParts(zone, instant);
  const asUtc = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
  const whole = Math.floor(instant.getTime() / 1000) * 1000;
  const offset = Math.round((asUtc - whole) / 60_000);
  if (offsets.size >= MOST_OFFSETS) offsets.clear();
  offsets.set(key, offset);
  return offset;
}

export function wallClock(zone: string, instant: Date): WallClock {
  const [y, mo, d, h, mi] = wallParts(zone, instant);
  const pad = (n: number) => String(n).padStart(2, '0');
  return { date: `${y}-${pad(mo!)}-${pad(d!)}`, time: `${pad(h!)}:${pad(mi!)}` };
}

/** "UTC+4", "UTC+5:45", "UTC-3", "UTC" */
export function offsetLabel(minutes: number): string {
  if (minutes === 0) return 'UTC';
  const sign = minutes > 0 ? '+' : '-';
  const abs = Math.abs(minutes);
  const h = Math.floor(abs / 60);
  const m = abs % 60;
  return `UTC${sign}${h}${m ? `:${String(m).padStart(2, '0')}` : ''}`;
}

const nameFormats = new Map<string, Intl.DateTimeFormat>();

/** The zone's long name at an instant ("Gulf Standard Time", "British Summer Time"). */
export function zoneName(zone: string, instant: Date): string {
  let format = nameFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone: zone, timeZoneName: 'long' });
    nameFormats.set(zone, format);
  }
  const part = format.formatToParts(instant).find((p) => p.type === 'timeZoneName');
  const name = part?.value ?? zone;
  // Where the runtime has no name of its own it gives "GMT+04:45": the offset label says that better.
  return /^GMT[+-]/.test(name) ? cityTime(zone) : name;
}

/** "Lagos time", "Ho Chi Minh time", from the IANA name's last part. */
export function cityTime(zone: string): string {
  if (zone === 'UTC' || zone === 'Etc/UTC') return 'UTC';
  const city = zone.split('/').pop()!.replace(/_/g, ' ');
  return `${city} time`;
}

/** "10:00am" */
export function clockTime(zone: string, instant: Date): string {
  const { time } = wallClock(zone, instant);
  const [h, m] = time.split(':').map(Number) as [number, number];
  const suffix = h < 12 ? 'am' : 'pm';
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return `${h12}:${String(m).padStart(2, '0')}${suffix}`;
}

const LONG_DATE = new Map<string, Intl.DateTimeFormat>();
/** "Monday 14 March 2027", the date it is in the zone at that instant. */
export function zonedLongDate(zone: string, instant: Date, withDay = true): string {
  const key = `${zone}|${withDay}`;
  let format = LONG_DATE.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      ...(withDay ? { weekday: 'long' } : {}),
      day: 'numeric',
      month: 'long',
      year: 'numeric',
    });
    LONG_DATE.set(key, format);
  }
  return format.format(instant).replace(',', '');
}

/** "10:00am Gulf Standard Time (UTC+4)" */
export function timeInZone(zone: string, instant: Date): string {
  return `${clockTime(zone, instant)} ${zoneName(zone, instant)} (${offsetLabel(offsetMinutes(zone, instant))})`;
}

/** "Monday 14 March 2027 at 10:00am Gulf Standard Time (UTC+4)" */
export function momentInZone(zone: string, instant: Date): string {
  return `${zonedLongDate(zone, instant)} at ${timeInZone(zone, instant)}`;
}

/** "11:59pm on 14 March 2027, Lagos time (UTC+1)": how a deadline is said. */
export function deadlineInZone(zone: string, instant: Date): string {
  return `${clockTime(zone, instant)} on ${zonedLongDate(zone, instant, false)}, ${cityTime(zone)} (${offsetLabel(offsetMinutes(zone, instant))})`;
}

/** A zone from a stored or submitted value; a tampered or unknown one falls back, never throws. */
export function safeZone(value: unknown, fallback = ENGLAND): string {
  return typeof value === 'string' && value.length <= 64 && isTimeZone(value) ? value : fallback;
}

export type LocalToUtc =
  | { kind: 'exact'; instant: Date }
  /** The clocks skip this reading (spring forward): it never happens in the zone. */
  | { kind: 'skipped' }
  /** The clocks show this reading twice (fall back): earlier and later instants. */
  | { kind: 'repeated'; earlier: Date; later: Date };

/**
 * The instant a wall-clock reading names in a zone. Daylight-saving changes make some
 * readings impossible and others happen twice: both are said, never silently shifted.
 */
export function localToUtc(date: string, time: string, zone: string): LocalToUtc {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  const naive = Date.UTC(y, mo - 1, d, h, mi);
  // Every offset the zone could have near this moment; a reading is real where the offset agrees.
  const offsets = new Set(
    [-36, -12, 0, 12, 36].map((hours) => offsetMinutes(zone, new Date(naive + hours * 3_600_000))),
  );
  const instants = [...offsets]
    .map((o) => naive - o * 60_000)
    .filter((t) => offsetMinutes(zone, new Date(t)) * 60_000 === naive - t)
    .sort((a, b) => a - b);
  const unique = [...new Set(instants)];
  if (unique.length === 0) return { kind: 'skipped' };
  if (unique.length === 1) return { kind: 'exact', instant: new Date(unique[0]!) };
  return { kind: 'repeated', earlier: new Date(unique[0]!), later: new Date(unique[unique.length - 1]!) };
}

/** Every zone this runtime knows, for a choose-your-zone list. */
export function allZones(): string[] {
  return Intl.supportedValuesOf('timeZone');
}

/**
 * The zone to propose for someone: from where they live when the place look-up knows its
 * coordinates, else from their country when the whole country keeps one zone; else none.
 */
export function proposeZone(place: {
  lat?: number | null;
  lon?: number | null;
  country?: string | null;
}): string | undefined {
  if (typeof place.lat === 'number' && typeof place.lon === 'number') {
    const zone = timeZoneAt(place.lat, place.lon);
    if (zone !== 'UTC') return zone;
  }
  if (place.country) {
    const zones = getCountry(place.country)?.timezones ?? [];
    const known = zones.filter(isTimeZone);
    if (known.length === 1) return known[0];
  }
  return undefined;
}

/**
 * The zone a signed-in reader sees times in: the one they chose or were proposed, else
 * England's (providers work in England; the label always names the zone, so nobody is misled).
 */
export function readerZone(user: { time_zone?: string | null } | null | undefined): string {
  return safeZone(user?.time_zone ?? undefined);
}
