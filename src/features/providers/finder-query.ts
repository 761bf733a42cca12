import { countryByCode } from '../../shared/places/countries.ts';
import { findPlaces, placeById, type Place } from '../../shared/places/places.ts';
import { APPROACHES, DELIVERY, PHASES, STUDY_MODES, type ProviderFilters } from './model.ts';

/**
 * The finders' query strings, read strictly: every value is checked against what the
 * service knows, and each problem gets a GOV.UK-style message naming the field.
 * Pure: no HTTP, no database.
 */
export const RADII = [10, 25, 50, 100, 250] as const;
export const DEFAULT_RADIUS = 50;
export const PAGE_SIZE = 20;
export const SORTS = { name: 'Name', fee: 'Lowest fee', nearest: 'Nearest partner school' } as const;
export type Sort = keyof typeof SORTS;

export interface FieldError {
  field: string;
  message: string;
}

export interface PlaceResolution {
  place?: Place;
  /** More than one place has this name: the candidate chooses. */
  choices?: Place[];
}

type Raw = Record<string, unknown>;
const text = (raw: Raw, key: string): string | undefined => {
  const v = raw[key];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' && s.trim() !== '' ? s.trim() : undefined;
};
const oneOf = <T extends string>(values: Record<T, string>, v: string | undefined): T | undefined =>
  v !== undefined && Object.hasOwn(values, v) ? (v as T) : undefined;

/** Resolves `near` (a typed name) or `place` (a chosen id) to one place, or the choices. */
export function resolvePlace(raw: Raw, errors: FieldError[]): PlaceResolution {
  const placeId = text(raw, 'place');
  if (placeId !== undefined) {
    const place = /^\d{1,10}$/.test(placeId) ? placeById(Number(placeId)) : undefined;
    if (place) return { place };
    errors.push({ field: 'near', message: 'Choose a place from the list' });
    return {};
  }
  const near = text(raw, 'near');
  if (near === undefined) return {};
  if (near.length > 100) {
    errors.push({ field: 'near', message: 'Place name must be 100 characters or fewer' });
    return {};
  }
  const matches = findPlaces(near, 10);
  if (matches.length === 0) {
    errors.push({ field: 'near', message: 'Enter a town or city we can find, for example Dubai or Lagos' });
    return {};
  }
  if (matches.length === 1) return { place: matches[0]! };
  return { choices: matches };
}

export interface ProviderQuery {
  filters: ProviderFilters;
  countryCode?: string;
  resolution: PlaceResolution;
  near?: string;
  sort: Sort;
  page: number;
  errors: FieldError[];
}

export function parseProviderQuery(raw: Raw): ProviderQuery {
  const errors: FieldError[] = [];
  const filters: ProviderFilters = {};

  const resolution = resolvePlace(raw, errors);
  let countryCode: string | undefined;
  const country = text(raw, 'country');
  if (country !== undefined) {
    const found = /^[A-Za-z]{2}$/.test(country) ? countryByCode(country.toUpperCase()) : undefined;
    if (found) countryCode = found.code;
    else errors.push({ field: 'country', message: 'Select the country where you live from the list' });
  }
  if (resolution.place)
    filters.where = {
      country: resolution.place.country,
      point: { lat: resolution.place.lat, lon: resolution.place.lon },
    };
  else if (countryCode) filters.where = { country: countryCode };

  const check = <T extends string>(key: string, values: Record<T, string>, message: string): T | undefined => {
    const v = text(raw, key);
    if (v === undefined) return undefined;
    const ok = oneOf(values, v);
    if (!ok) errors.push({ field: key, message });
    return ok;
  };
  const phase = check('phase', PHASES, 'Select an age group from the list');
  if (phase) filters.phase = phase;
  const approach = check('approach', APPROACHES, 'Select a placement school approach from the list');
  if (approach) filters.approach = approach;
  const delivery = check('delivery', DELIVERY, 'Select how the course is delivered from the list');
  if (delivery) filters.delivery = delivery;
  const mode = check('mode', STUDY_MODES, 'Select full time or part time');
  if (mode) filters.mode = mode;

  const subject = text(raw, 'subject');
  if (subject !== undefined) {
    if (subject.length > 100) errors.push({ field: 'subject', message: 'Subject must be 100 characters or fewer' });
    else filters.subject = subject;
  }

  const maxFee = text(raw, 'maxFee');
  if (maxFee !== undefined) {
    const pounds = maxFee.replace(/^£/, '').replace(/,/g, '');
    if (!/^\d{1,6}$/.test(pounds) || Number(pounds) > 100_000)
      errors.push({ field: 'maxFee', message: 'Maximum fee must be a whole number of pounds, like 9000' });
    else filters.maxFee = Number(pounds) * 100;
  }

  let sort: Sort = 'name';
  const s = text(raw, 'sort');
  if (s !== undefined) {
    const ok = oneOf(SORTS, s);
    if (!ok) errors.push({ field: 'sort', message: 'Select how to sort the providers from the list' });
    else if (ok === 'nearest' && !resolution.place)
      errors.push({ field: 'near', message: 'Enter a town or city to sort by nearest partner school' });
    else sort = ok;
  }

  const confirmed = text(raw, 'confirmed');
  if (confirmed === 'yes') filters.confirmedOnly = true;
  else if (confirmed !== undefined)
    errors.push({ field: 'confirmed', message: 'Select whether to show only providers that have told us they match' });

  const page = parsePage(raw, errors);
  const near = text(raw, 'near');
  return {
    filters,
    countryCode,
    resolution,
    ...(near !== undefined ? { near: near.slice(0, 100) } : {}),
    sort,
    page,
    errors,
  };
}

export function parsePage(raw: Raw, errors: FieldError[]): number {
  const p = text(raw, 'page');
  if (p === undefined) return 1;
  if (!/^\d{1,4}$/.test(p) || Number(p) < 1) {
    errors.push({ field: 'page', message: 'Page must be a number, 1 or more' });
    return 1;
  }
  return Number(p);
}

export interface SchoolQuery {
  resolution: PlaceResolution;
  near?: string;
  radiusKm: number;
  page: number;
  errors: FieldError[];
}

export function parseSchoolQuery(raw: Raw): SchoolQuery {
  const errors: FieldError[] = [];
  const resolution = resolvePlace(raw, errors);
  let radiusKm: number = DEFAULT_RADIUS;
  const r = text(raw, 'radius');
  if (r !== undefined) {
    const n = Number(r);
    if (!(RADII as readonly number[]).includes(n))
      errors.push({ field: 'radius', message: `Select a distance from the list: ${RADII.join(', ')} km` });
    else radiusKm = n;
  }
  const page = parsePage(raw, errors);
  const near = text(raw, 'near');
  return { resolution, ...(near !== undefined ? { near: near.slice(0, 100) } : {}), radiusKm, page, errors };
}
