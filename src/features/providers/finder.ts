import type { Kysely } from 'kysely';
import { today } from '../../shared/dates.ts';
import type { Database } from '../../db/schema.ts';
import type { Place } from '../../shared/places/places.ts';
import { describeCoverage } from './coverage.ts';
import { PAGE_SIZE, RADII, type ProviderQuery, type SchoolQuery } from './finder-query.ts';
import { formatFees, matchFilters, matchProvider, type Provider, type ProviderMatch } from './model.ts';
import { nearestPartnerSchool, schoolsNear, type NearbySchool } from '../placement-schools/repository.ts';
import { allProviders } from './repository.ts';

/**
 * The finders' work, shared by the HTML pages and the JSON API: filter, sort and page
 * providers; search partner schools by distance.
 */

/** How far to look for a provider's nearest partner school when sorting by it. */
export const NEAREST_WITHIN_KM = 250;

export interface ProviderResult extends ProviderMatch {
  nearestKm: number | null;
  fees: string | null;
  coverageText: string;
}

export interface FoundProviders {
  total: number;
  /** Of the total: providers known to take trainees where the candidate lives (all of them when no place is given). */
  known: number;
  /** Of the total: providers that have not said whether they take trainees there. They come after the known ones. */
  notSaid: number;
  results: ProviderResult[];
  pages: number;
  /** Suspended providers that match the filters: shown apart, as not taking applications. */
  suspended: Provider[];
}

const notSaid = (r: ProviderMatch) => r.coverage?.includes === 'unknown';

export async function findProviders(
  db: Kysely<Database>,
  query: ProviderQuery,
  date = today(),
): Promise<FoundProviders> {
  const providers = await allProviders(db);
  const matches = providers
    .map((p) => matchProvider(p, query.filters, date))
    .filter((m): m is ProviderMatch => m !== null);
  const suspended = providers.filter((p) => p.status === 'suspended' && matchFilters(p, query.filters, date) !== null);
  const place = query.resolution.place;
  const nearest = place
    ? await nearestPartnerSchool(db, { lat: place.lat, lon: place.lon }, NEAREST_WITHIN_KM)
    : new Map<number, number>();
  const results: ProviderResult[] = matches.map((m) => ({
    ...m,
    nearestKm: nearest.get(m.provider.id) ?? null,
    fees: formatFees(m.stated.feeMinPence, m.stated.feeMaxPence),
    coverageText: describeCoverage(m.provider.coverage, date),
  }));
  // Stated values first (the provider's own, else its public page's); unknown fees or distances sort
  // last, never as zero.
  // A fee stated only in another currency is not compared with pounds: it sorts with the unknown.
  const last = (v: number | null) => v ?? Number.POSITIVE_INFINITY;
  const byName = (a: ProviderResult, b: ProviderResult) => a.provider.name.localeCompare(b.provider.name, 'en-GB');
  const order =
    query.sort === 'fee'
      ? (a: ProviderResult, b: ProviderResult) =>
          last(a.stated.feeMinPence) - last(b.stated.feeMinPence) || byName(a, b)
      : query.sort === 'nearest'
        ? (a: ProviderResult, b: ProviderResult) => last(a.nearestKm) - last(b.nearestKm) || byName(a, b)
        : byName;
  // Providers known to take trainees there come first; those that have not said follow, counted apart.
  results.sort((a, b) => Number(notSaid(a)) - Number(notSaid(b)) || order(a, b));
  const unknown = results.filter(notSaid).length;
  const pages = Math.max(1, Math.ceil(results.length / PAGE_SIZE));
  return {
    total: results.length,
    known: results.length - unknown,
    notSaid: unknown,
    results: results.slice((query.page - 1) * PAGE_SIZE, query.page * PAGE_SIZE),
    pages,
    suspended,
  };
}

export async function findSchools(
  db: Kysely<Database>,
  query: SchoolQuery,
  place: Place,
): Promise<{ total: number; schools: NearbySchool[]; pages: number }> {
  const { total, schools } = await schoolsNear(db, {
    point: { lat: place.lat, lon: place.lon },
    radiusKm: query.radiusKm,
    limit: PAGE_SIZE,
    offset: (query.page - 1) * PAGE_SIZE,
  });
  return { total, schools, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)) };
}

export const placeLabel = (p: Place): string => `${p.name}, ${p.countryName}`;
export const nextRadius = (r: number): number | undefined => RADII.find((x) => x > r);
