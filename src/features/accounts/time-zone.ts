import { findPlaces } from '../../shared/places/places.ts';
import type { User } from '../../shared/user.ts';
import {
  allZones,
  ENGLAND,
  offsetLabel,
  offsetMinutes,
  proposeZone,
  safeZone,
  zoneName,
} from '../../shared/zoned-time.ts';

/**
 * Which zone a person reads times in. Chosen on their account page; until then proposed:
 * a candidate's from the town (or one-zone country) their application says they live in,
 * a provider user's, mentor's or DfE user's is England's. The label always names the zone.
 */
export interface ZoneChoice {
  zone: string;
  /** How the zone was arrived at, for the account page. */
  source: 'chosen' | 'from-where-you-live' | 'default';
}

/** The zone for where someone lives: their town when the place look-up knows it, else a one-zone country. */
export function zoneForWhereYouLive(where: Record<string, string> | undefined): string | undefined {
  const country = where?.['country'];
  if (!country) return undefined;
  const town = where['town'] ? findPlaces(`${where['town']}, ${country}`, 1)[0] : undefined;
  return proposeZone({ lat: town?.lat ?? null, lon: town?.lon ?? null, country });
}

export function zoneChoice(
  user: Pick<User, 'role' | 'timeZone'>,
  whereYouLive?: Record<string, string> | undefined,
): ZoneChoice {
  const chosen = safeZone(user.timeZone ?? undefined, '');
  if (chosen) return { zone: chosen, source: 'chosen' };
  if (user.role === 'candidate') {
    const proposed = zoneForWhereYouLive(whereYouLive);
    if (proposed) return { zone: proposed, source: 'from-where-you-live' };
  }
  return { zone: ENGLAND, source: 'default' };
}

/** "Pacific/Auckland – New Zealand Daylight Time (UTC+13)" */
export function zoneLabel(zone: string, now: Date): string {
  return `${zone.replace(/_/g, ' ')} – ${zoneName(zone, now)} (${offsetLabel(offsetMinutes(zone, now))})`;
}

// The labels carry the offset now, so they are worked out at most once an hour.
let cached: { hour: number; options: { value: string; text: string }[] } | undefined;

/** Every zone, labelled with its name and offset now, for a select (enhanced to an autocomplete). */
export function zoneOptions(selected: string, now = new Date()): { value: string; text: string; selected: boolean }[] {
  const hour = Math.floor(now.getTime() / 3_600_000);
  if (!cached || cached.hour !== hour) {
    cached = { hour, options: allZones().map((zone) => ({ value: zone, text: zoneLabel(zone, now) })) };
  }
  return cached.options.map((o) => ({ ...o, selected: o.value === selected }));
}
