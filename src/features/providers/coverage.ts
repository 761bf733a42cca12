import { govukDate } from '../../shared/dates.ts';
import { countryName } from '../../shared/format.ts';
import { z } from 'zod';
import { countries, countryByCode, REGIONS } from '../../shared/places/countries.ts';
import { distanceKm, EARTH_RADIUS_KM, type Point } from '../../shared/places/geo.ts';

/**
 * Where a provider takes trainees, and whether that includes a candidate's location.
 * Pure: no HTTP, no database. Dates are ISO 'YYYY-MM-DD' strings; "today" is passed in so
 * that answers are the same in tests, on every server and in every time zone.
 */

export type Coverage =
  /** Exclusions apply only before `excludedUntil` (null: no end date). */
  | { kind: 'worldwide'; excludedCountries: string[]; excludedUntil: string | null }
  | { kind: 'countries'; countries: string[] }
  /** A REGIONS id. */
  | { kind: 'region'; region: string }
  /** radiusKm null: "commutable distance", with no figure stated. */
  | { kind: 'campus'; campus: string; country: string; point: Point; radiusKm: number | null }
  | { kind: 'unknown' };

export interface CandidateLocation {
  /** ISO 3166-1 alpha-2. */
  country: string;
  point?: Point;
}

export type CoverageAnswer = { includes: 'yes' | 'no' | 'unknown'; reason: string };

const CONTACT_PROVIDER = 'The provider has not said where it takes trainees: contact the provider';

/** Rounding in the distance sum must not put a place exactly on the boundary outside it (1 mm). */
const BOUNDARY_TOLERANCE_KM = 1e-6;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function checkToday(today: string): void {
  if (typeof today !== 'string' || !isCalendarDate(today))
    throw new RangeError(`today must be a date like 2026-04-15, got ${String(today)}`);
}

function isCalendarDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** "Egypt", "Egypt and Ghana", "Egypt, Ghana and Kenya" — sorted by name. */
function listOfCountries(codes: readonly string[]): string {
  const names = codes.map(countryName).sort((a, b) => a.localeCompare(b, 'en-GB'));
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

const km = (n: number) => `${Number.isInteger(n) ? n : Number(n.toFixed(1))} km`;

/** The excluded countries still excluded on `today` (none once `excludedUntil` is reached). */
function exclusionsInForce(coverage: Extract<Coverage, { kind: 'worldwide' }>, today: string): string[] {
  return coverage.excludedUntil === null || today < coverage.excludedUntil ? coverage.excludedCountries : [];
}

/** Whether a provider with this coverage takes trainees at `where`, and why. */
export function coverageIncludes(coverage: Coverage, where: CandidateLocation, today: string): CoverageAnswer {
  checkToday(today);
  const country = where.country.toUpperCase();
  const here = countryName(country);
  switch (coverage.kind) {
    case 'worldwide': {
      const excluded = exclusionsInForce(coverage, today);
      if (excluded.includes(country)) {
        return {
          includes: 'no',
          reason:
            coverage.excludedUntil === null
              ? `The provider does not take trainees in ${here}`
              : `The provider does not take trainees in ${here} before ${govukDate(coverage.excludedUntil)}`,
        };
      }
      return { includes: 'yes', reason: 'The provider takes trainees worldwide' };
    }
    case 'countries':
      return coverage.countries.includes(country)
        ? { includes: 'yes', reason: `The provider takes trainees in ${here}` }
        : {
            includes: 'no',
            reason: coverage.countries.length
              ? `The provider takes trainees only in ${listOfCountries(coverage.countries)}`
              : 'The provider has not listed any countries where it takes trainees',
          };
    case 'region': {
      const region = REGIONS[coverage.region];
      if (!region)
        return {
          includes: 'unknown',
          reason: 'The provider takes trainees in a region we do not recognise: contact the provider',
        };
      return region.countries.includes(country)
        ? {
            includes: 'yes',
            reason: `The provider takes trainees in the ${region.name} region, which includes ${here}`,
          }
        : {
            includes: 'no',
            reason: `The provider takes trainees only in the ${region.name} region, which does not include ${here}`,
          };
    }
    case 'campus': {
      const campus = `its ${coverage.campus} campus`;
      const campusCountry = countryName(coverage.country);
      if (coverage.radiusKm === null) {
        return country === coverage.country
          ? {
              includes: 'unknown',
              reason: `The provider trains in person at ${campus}: check with the provider that you are within commuting distance`,
            }
          : { includes: 'no', reason: `The provider trains in person at ${campus} in ${campusCountry}` };
      }
      if (where.point) {
        const distance = distanceKm(where.point, coverage.point);
        return distance <= coverage.radiusKm + BOUNDARY_TOLERANCE_KM
          ? { includes: 'yes', reason: `The provider takes trainees within ${km(coverage.radiusKm)} of ${campus}` }
          : {
              includes: 'no',
              reason: `The provider takes trainees only within ${km(coverage.radiusKm)} of ${campus}, and this place is about ${km(Math.round(distance))} away`,
            };
      }
      return country === coverage.country
        ? {
            includes: 'unknown',
            reason: `The provider takes trainees within ${km(coverage.radiusKm)} of ${campus}: check with the provider that you are close enough`,
          }
        : {
            includes: 'no',
            reason: `The provider takes trainees only within ${km(coverage.radiusKm)} of ${campus} in ${campusCountry}`,
          };
    }
    case 'unknown':
      return { includes: 'unknown', reason: CONTACT_PROVIDER };
  }
}

/** Where the provider takes trainees, in plain English: "Worldwide, except Hong Kong". */
export function describeCoverage(coverage: Coverage, today: string): string {
  checkToday(today);
  switch (coverage.kind) {
    case 'worldwide': {
      const excluded = exclusionsInForce(coverage, today);
      if (!excluded.length) return 'Worldwide';
      const until = coverage.excludedUntil === null ? '' : ` before ${govukDate(coverage.excludedUntil)}`;
      return `Worldwide, except ${listOfCountries(excluded)}${until}`;
    }
    case 'countries':
      return coverage.countries.length
        ? `Only in ${listOfCountries(coverage.countries)}`
        : 'No countries listed: contact the provider';
    case 'region': {
      const region = REGIONS[coverage.region];
      return region ? `The ${region.name} region` : 'A region we do not recognise: contact the provider';
    }
    case 'campus':
      return coverage.radiusKm === null
        ? `Within commuting distance of its ${coverage.campus} campus`
        : `Within ${km(coverage.radiusKm)} of its ${coverage.campus} campus`;
    case 'unknown':
      return 'Not stated: contact the provider';
  }
}

/**
 * The countries where the provider takes trainees, for its profile: 'all', a list of ISO
 * codes (sorted), or 'unknown'. A campus gives its own country (trainees must also be near it).
 */
export function coverageCountryCodes(coverage: Coverage, today: string): string[] | 'all' | 'unknown' {
  checkToday(today);
  const sorted = (codes: Iterable<string>) => [...new Set(codes)].sort();
  switch (coverage.kind) {
    case 'worldwide': {
      const excluded = new Set(exclusionsInForce(coverage, today));
      return excluded.size ? sorted(countries.map((c) => c.code).filter((c) => !excluded.has(c))) : 'all';
    }
    case 'countries':
      return sorted(coverage.countries);
    case 'region': {
      const region = REGIONS[coverage.region];
      return region ? sorted(region.countries) : 'unknown';
    }
    case 'campus':
      return [coverage.country];
    case 'unknown':
      return 'unknown';
  }
}

const countryCode = z.string().refine((code) => countryByCode(code) !== undefined, {
  message: 'must be an ISO 3166-1 two-letter country code in capitals, like AE or NG',
});

const isoDate = z.string().refine(isCalendarDate, { message: 'must be a date like 2026-04-15' });

const uniqueCodes = (codes: string[]) => [...new Set(codes)];

const coverageSchema = z.discriminatedUnion('kind', [
  z
    .strictObject({
      kind: z.literal('worldwide'),
      excludedCountries: z.array(countryCode).default([]).transform(uniqueCodes),
      excludedUntil: isoDate.nullable().default(null),
    })
    .refine((c) => c.excludedUntil === null || c.excludedCountries.length > 0, {
      message: 'excludedUntil needs at least one excluded country',
      path: ['excludedUntil'],
    }),
  z.strictObject({
    kind: z.literal('countries'),
    countries: z.array(countryCode).min(1, 'list at least one country').transform(uniqueCodes),
  }),
  z.strictObject({
    kind: z.literal('region'),
    region: z
      .string()
      .refine((id) => Object.hasOwn(REGIONS, id), { message: `must be one of: ${Object.keys(REGIONS).join(', ')}` }),
  }),
  z.strictObject({
    kind: z.literal('campus'),
    campus: z.string().trim().min(1, 'name the campus').max(100),
    country: countryCode,
    point: z.strictObject({
      lat: z.number().min(-90).max(90),
      lon: z.number().min(-180).max(180),
    }),
    // Positive, and no more than half the Earth's circumference.
    radiusKm: z
      .number()
      .positive()
      .max(Math.PI * EARTH_RADIUS_KM)
      .nullable(),
  }),
  z.strictObject({ kind: z.literal('unknown') }),
]);

/** Checks stored or submitted coverage; throws an Error naming each problem. */
export function parseCoverage(input: unknown): Coverage {
  const result = coverageSchema.safeParse(input);
  if (!result.success) throw new Error(`Invalid coverage:\n${z.prettifyError(result.error)}`);
  return result.data;
}
